using TorchSharp;

namespace DiffusionFramework.Core.Devices;

/// <summary>Turns a user's device choice (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>, <c>auto</c>, <c>meta</c>) into a
/// <see cref="torch.Device"/>, failing with a clear message when that device cannot be used.</summary>
public static class DeviceSelector
{
    /// <summary>The accepted spellings, for help text.</summary>
    public const string Choices = "cpu | cuda | cuda:N | auto | meta";

    /// <summary>Resolves <paramref name="choice"/>; <c>auto</c> picks CUDA when available, else CPU.</summary>
    /// <exception cref="ArgumentException">The choice is not one of <see cref="Choices"/>.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for but this build or machine has none.</exception>
    public static torch.Device Resolve(string choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        string c = choice.Trim().ToLowerInvariant();
        if (c == "auto")
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (c == "cpu")
            return torch.CPU;
        if (c == "meta")
            return new torch.Device(DeviceType.META);
        if (c == "cuda" || c.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (c.Length > 4 && !int.TryParse(c.AsSpan(5), out index))
                throw new ArgumentException($"device '{choice}': expected cuda:N with N a GPU index.", nameof(choice));
            if (!torch.cuda.is_available())
                throw new InvalidOperationException(
                    $"device '{choice}': CUDA is not available. This build uses libtorch for CPU; on a machine with an " +
                    "NVIDIA driver, build with 'dotnet build -p:TorchBackend=cuda' (see README), or use --device cpu.");
            if (index >= torch.cuda.device_count())
                throw new InvalidOperationException(
                    $"device '{choice}': only {torch.cuda.device_count()} CUDA device(s) are visible.");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device '{choice}' is not one of: {Choices}.", nameof(choice));
    }
}
