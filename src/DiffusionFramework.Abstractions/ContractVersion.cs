namespace DiffusionFramework.Abstractions;

/// <summary>
/// The version of this contract, equal to the assembly version of DiffusionFramework.Abstractions.
/// A host accepts a plugin built against the same major version and a minor version not newer than its own.
/// </summary>
public static class ContractVersion
{
    /// <summary>The contract version this assembly implements.</summary>
    public static Version Current { get; } = typeof(ContractVersion).Assembly.GetName().Version!;

    /// <summary>True when a plugin compiled against <paramref name="pluginBuiltAgainst"/> can run on this contract.</summary>
    public static bool IsCompatible(Version pluginBuiltAgainst) =>
        pluginBuiltAgainst.Major == Current.Major && pluginBuiltAgainst.Minor <= Current.Minor;
}
