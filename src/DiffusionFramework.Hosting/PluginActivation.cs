using System.Reflection;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace DiffusionFramework.Hosting;

/// <summary>
/// Loads a plugin assembly into its own load context that shares the host's contract, engine, TorchSharp and DI
/// abstractions (so a plugin's <c>torch.Tensor</c> is the host's and libtorch is loaded once), and finds its
/// entry points.
/// </summary>
internal static class PluginActivation
{
    /// <summary>Types whose assemblies (and their dependencies) every plugin takes from the host.</summary>
    private static readonly Type[] SharedTypes =
        [typeof(IDiffusionPlugin), typeof(SamplerRegistry), typeof(torch), typeof(IServiceCollection)];

    /// <summary>A loader for the plugin assembly at <paramref name="path"/> (an absolute path).</summary>
    internal static PluginLoader CreateLoader(string path) =>
        PluginLoader.CreateFromAssemblyFile(path, SharedTypes, config => config.PreferSharedTypes = true);

    /// <summary>The public, non-abstract, non-generic classes of <paramref name="assembly"/> that implement the contract.</summary>
    internal static IReadOnlyList<Type> PluginTypes(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
                        && typeof(IDiffusionPlugin).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();

    /// <summary>"ExceptionType: message" of what a plugin threw, looking through reflection's wrappers.</summary>
    internal static string Describe(Exception e)
    {
        if (e is TargetInvocationException { InnerException: { } inner })
            return Describe(inner);
        if (e is ReflectionTypeLoadException { LoaderExceptions: var loader })
            return string.Join("; ", loader.OfType<Exception>().Select(Describe).Distinct());
        return $"{e.GetType().Name}: {e.Message}";
    }
}
