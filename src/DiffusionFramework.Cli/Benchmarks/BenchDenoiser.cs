using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Cli.Benchmarks;

/// <summary>
/// A plain MLP (x, t) → ε used by <c>diffusion bench</c> as a denoiser of known cost. Its width is chosen so one
/// forward call on the benchmark batch takes about the requested time on this machine.
/// </summary>
internal sealed class BenchDenoiser : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> layers;

    public BenchDenoiser(int features, int width, Device device) : base(nameof(BenchDenoiser))
    {
        layers = nn.Sequential(
            nn.Linear(features + 1, width), nn.SiLU(),
            nn.Linear(width, width), nn.SiLU(),
            nn.Linear(width, width), nn.SiLU(),
            nn.Linear(width, features));
        RegisterComponents();
        this.to(device);
    }

    public override Tensor forward(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        Tensor input = cat([x, (t / 1000.0).unsqueeze(1).to(x.dtype)], dim: 1);
        return layers.forward(input).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Picks the width whose forward call on <paramref name="x"/> costs about <paramref name="targetMs"/>: the cost
    /// of the hidden layers grows with width², so two rounds of width ← width·√(target/measured) converge.
    /// </summary>
    public static BenchDenoiser Calibrate(Tensor x, double targetMs, Device device)
    {
        int width = 256;
        for (int round = 0; round < 2; round++)
        {
            using var probe = new BenchDenoiser((int)x.shape[1], width, device);
            double ms = Timing.MedianMilliseconds(() => CallOnce(probe, x), repeats: 5);
            width = Math.Clamp((int)Math.Round(width * Math.Sqrt(targetMs / ms) / 32) * 32, 32, 8192);
        }
        return new BenchDenoiser((int)x.shape[1], width, device);
    }

    /// <summary>One forward call at t = 500 with its temporaries disposed.</summary>
    public static void CallOnce(BenchDenoiser model, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.forward(x, full(x.shape[0], 500.0, dtype: x.dtype, device: x.device));
    }
}
