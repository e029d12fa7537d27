using TorchSharp;

namespace Points2d.Distributions;

/// <summary>A 2-D toy distribution that can be sampled exactly, scaled to roughly unit extent.</summary>
public interface IToyDistribution
{
    /// <summary>The name used in the network config's <c>"distribution"</c> key (e.g. <c>two_moons</c>).</summary>
    string Name { get; }

    /// <summary>Draws <paramref name="count"/> independent points, float32 of shape [count, 2].</summary>
    /// <param name="count">Number of points (at least 1).</param>
    /// <param name="device">Where the points are returned; they are drawn on the generator's device and moved.</param>
    /// <param name="generator">Seeded generator of the run, or null for the global one.</param>
    torch.Tensor Sample(long count, torch.Device device, torch.Generator? generator);
}
