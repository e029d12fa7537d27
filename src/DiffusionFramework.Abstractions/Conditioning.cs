using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>
/// Everything besides (x_t, t) that a denoiser may be given. Every member is optional; a plugin reads the ones its
/// network understands. Tensors are batch-first and live on the run's device.
/// </summary>
public sealed record Conditioning
{
    /// <summary>No conditioning at all.</summary>
    public static Conditioning None { get; } = new();

    /// <summary>Class labels, int64 of shape [B].</summary>
    public torch.Tensor? ClassLabels { get; init; }

    /// <summary>A context tensor: the low-resolution image, the noisy mel, property values, ...</summary>
    public torch.Tensor? Context { get; init; }

    /// <summary>Which elements of the sample are real (atom mask, token padding mask); 1 = real, 0 = padding.</summary>
    public torch.Tensor? Mask { get; init; }

    /// <summary>Pairwise mask for graph networks (edge mask), shape [B, N, N].</summary>
    public torch.Tensor? EdgeMask { get; init; }

    /// <summary>
    /// When true the denoiser must ignore the condition (labels, context) and predict unconditionally: the
    /// null branch of classifier-free guidance, and condition dropout in training.
    /// </summary>
    public bool DropCondition { get; init; }
}
