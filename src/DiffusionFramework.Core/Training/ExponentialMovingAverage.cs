using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>How the EMA decay grows during the first updates.</summary>
public enum EmaWarmup
{
    /// <summary>The decay is the configured constant from the second update on (current diffusers default).</summary>
    None,

    /// <summary>decay_k = min(decay, (1 + k) / (10 + k)) (TensorFlow's <c>num_updates</c> rule; diffusers ≤ 0.14).</summary>
    Ratio,

    /// <summary>decay_k = min(decay, 1 - (1 + k / γ)^-p) (diffusers <c>use_ema_warmup</c>, after @crowsonkb).</summary>
    Power,
}

/// <summary>
/// An exponential moving average of a module's weights (Polyak and Juditsky 1992; as used by DDPM, Ho et al. 2020,
/// arXiv 2006.11239, §B), with the decay rule of diffusers' <c>EMAModel</c>: shadow ← shadow - (1 - decay_k)(shadow - θ).
/// </summary>
/// <remarks>
/// <para>The shadow holds one tensor per entry of the module's state dict (same keys, shapes, dtypes and device), so
/// <see cref="StateDict"/> is itself a loadable set of model weights. Trainable parameters are averaged; frozen
/// parameters and buffers are copied, as diffusers does for parameters without <c>requires_grad</c>.</para>
/// <para>The decay of update number n (1-based optimiser step) uses k = n - 1: the first update (k = 0) has decay 0 and
/// so copies the weights; later ones use the <see cref="EmaWarmup"/> rule, capped at <see cref="Decay"/>.</para>
/// </remarks>
public sealed class ExponentialMovingAverage : IDisposable
{
    private readonly List<(string Name, Tensor Shadow)> _shadow = [];
    private readonly nn.Module _module;

    /// <summary>Starts the average at the module's current weights.</summary>
    /// <param name="module">The trained module whose weights are averaged (tracked until disposal; not owned).</param>
    /// <param name="decay">The decay the warm-up grows to, in [0, 1] (e.g. 0.9999).</param>
    /// <param name="warmup">How the decay grows during the first updates.</param>
    /// <param name="invGamma">γ of the <see cref="EmaWarmup.Power"/> rule (diffusers <c>inv_gamma</c>).</param>
    /// <param name="power">p of the <see cref="EmaWarmup.Power"/> rule (diffusers <c>power</c>).</param>
    public ExponentialMovingAverage(nn.Module module, double decay = 0.9999, EmaWarmup warmup = EmaWarmup.Ratio,
        double invGamma = 1.0, double power = 2.0 / 3.0)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(decay >= 0 && decay <= 1))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the EMA decay must be in [0, 1]");
        if (!Enum.IsDefined(warmup))
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, $"valid: {string.Join(", ", Enum.GetNames<EmaWarmup>())}");
        if (!(invGamma > 0) || !(power > 0))
            throw new ArgumentOutOfRangeException(invGamma > 0 ? nameof(power) : nameof(invGamma), "must be > 0");
        Decay = decay;
        Warmup = warmup;
        InvGamma = invGamma;
        Power = power;
        _module = module;
        using var noGrad = no_grad();
        foreach (var (name, tensor, _) in Entries(module))
            _shadow.Add((name, tensor.detach().clone().DetachFromDisposeScope()));
    }

    /// <summary>The decay the warm-up grows to.</summary>
    public double Decay { get; }

    /// <summary>How the decay grows during the first updates.</summary>
    public EmaWarmup Warmup { get; }

    /// <summary>γ of the <see cref="EmaWarmup.Power"/> rule.</summary>
    public double InvGamma { get; }

    /// <summary>p of the <see cref="EmaWarmup.Power"/> rule.</summary>
    public double Power { get; }

    /// <summary>The decay used by update number <paramref name="step"/> (1-based optimiser step).</summary>
    public double DecayAt(long step)
    {
        long k = Math.Max(0, step - 1);
        if (k == 0)
            return 0.0;
        double warm = Warmup switch
        {
            EmaWarmup.Ratio => (1.0 + k) / (10.0 + k),
            EmaWarmup.Power => 1.0 - Math.Pow(1.0 + k / InvGamma, -Power),
            _ => Decay,
        };
        return Math.Min(warm, Decay);
    }

    /// <summary>Folds the tracked module's current weights into the average after optimiser step <paramref name="step"/>.</summary>
    /// <param name="step">The number of optimiser steps taken so far, this one included (1-based).</param>
    public void Update(long step)
    {
        double oneMinusDecay = 1.0 - DecayAt(step);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var source = Lookup(_module);
        foreach (var (name, shadow) in _shadow)
        {
            var (tensor, averaged) = source[name];
            if (averaged)
                shadow.sub_(shadow.sub(tensor).mul_(oneMinusDecay));
            else
                shadow.copy_(tensor);
        }
    }

    /// <summary>Writes the averaged weights into <paramref name="module"/> (e.g. a copy of the network for sampling).</summary>
    public void CopyTo(nn.Module module)
    {
        using var noGrad = no_grad();
        var target = Lookup(module);
        foreach (var (name, shadow) in _shadow)
            target[name].Tensor.copy_(shadow);
    }

    /// <summary>The averaged weights by state-dict key. The tensors are owned by this object: copy them to keep them.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() => _shadow.ToDictionary(e => e.Name, e => e.Shadow);

    /// <summary>Replaces the averaged weights (resume from a checkpoint); the values are copied.</summary>
    /// <exception cref="ArgumentException">A key is missing or extra, or a shape differs; the message names it.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        CheckStateDict(state);
        using var noGrad = no_grad();
        foreach (var (name, shadow) in _shadow)
            shadow.copy_(state[name]);
    }

    /// <summary>Throws unless <paramref name="state"/> has exactly this average's keys and shapes.</summary>
    /// <exception cref="ArgumentException">A key is missing or extra, or a shape differs; the message names it.</exception>
    public void CheckStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string[] extra = state.Keys.Except(_shadow.Select(e => e.Name)).ToArray();
        if (extra.Length > 0)
            throw new ArgumentException($"EMA state has unknown entries: {string.Join(", ", extra)}", nameof(state));
        foreach (var (name, shadow) in _shadow)
        {
            if (!state.TryGetValue(name, out var value))
                throw new ArgumentException($"EMA state lacks entry '{name}'", nameof(state));
            if (!value.shape.SequenceEqual(shadow.shape))
                throw new ArgumentException(
                    $"EMA state entry '{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", shadow.shape)}]",
                    nameof(state));
        }
    }

    /// <summary>Frees the shadow tensors.</summary>
    public void Dispose()
    {
        foreach (var (_, shadow) in _shadow)
            shadow.Dispose();
        _shadow.Clear();
    }

    /// <summary>Parameters (averaged when trainable) then buffers (always copied), in the module's order.</summary>
    private static IEnumerable<(string Name, Tensor Tensor, bool Averaged)> Entries(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.parameter.requires_grad))
            .Concat(module.named_buffers().Select(b => (b.name, b.buffer, false)));

    private Dictionary<string, (Tensor Tensor, bool Averaged)> Lookup(nn.Module module)
    {
        var entries = Entries(module).ToDictionary(e => e.Name, e => (e.Tensor, e.Averaged));
        foreach (var (name, shadow) in _shadow)
        {
            if (!entries.TryGetValue(name, out var entry))
                throw new ArgumentException($"module has no weight '{name}' that the EMA tracks", nameof(module));
            if (!entry.Tensor.shape.SequenceEqual(shadow.shape))
                throw new ArgumentException(
                    $"module weight '{name}' has shape [{string.Join(", ", entry.Tensor.shape)}], the EMA's is [{string.Join(", ", shadow.shape)}]",
                    nameof(module));
        }
        return entries;
    }
}
