using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using DiffusionFramework.Abstractions;

namespace DiffusionFramework.Hosting;

/// <summary>
/// Checks, from metadata alone (no plugin code runs), that a file is a .NET assembly built against a contract
/// version this host implements (<see cref="ContractVersion.IsCompatible"/>).
/// </summary>
internal static class PluginContract
{
    /// <summary>The assembly whose version is the contract version.</summary>
    internal static readonly string AbstractionsName = typeof(IDiffusionPlugin).Assembly.GetName().Name!;

    /// <summary>Why the plugin at <paramref name="path"/> cannot be loaded, or null when its contract is fine.</summary>
    /// <param name="name">The plugin's name for messages (its folder name).</param>
    /// <param name="path">The plugin assembly.</param>
    internal static string? Refusal(string name, string path)
    {
        Version? builtAgainst;
        try
        {
            builtAgainst = ReferencedContract(path);
        }
        catch (BadImageFormatException e)
        {
            return $"plugin '{name}' ({path}) is not a .NET assembly: {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"plugin '{name}' ({path}) cannot be read: {e.Message}";
        }

        if (builtAgainst is null)
            return $"plugin '{name}' ({path}) has no IDiffusionPlugin: it does not reference {AbstractionsName}";
        if (!ContractVersion.IsCompatible(builtAgainst))
            return $"plugin '{name}' ({path}) was built against contract {builtAgainst.ToString(2)}; this host " +
                   $"implements {ContractVersion.Current.ToString(2)}: rebuild the plugin against " +
                   $"{AbstractionsName} {ContractVersion.Current.Major}.x";
        return null;
    }

    /// <summary>The version of DiffusionFramework.Abstractions that the assembly references, or null if none.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    private static Version? ReferencedContract(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
            throw new BadImageFormatException("the file has no .NET metadata (a native library?)");
        MetadataReader metadata = pe.GetMetadataReader();
        if (!metadata.IsAssembly)
            throw new BadImageFormatException("the file is a .NET module, not an assembly");
        foreach (AssemblyReferenceHandle handle in metadata.AssemblyReferences)
        {
            AssemblyReference reference = metadata.GetAssemblyReference(handle);
            if (metadata.StringComparer.Equals(reference.Name, AbstractionsName))
                return reference.Version;
        }

        return null;
    }
}
