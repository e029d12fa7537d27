using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>
/// Where Euler ancestral, Heun, KDPM2 and LMS reduce to Euler's method, they must reproduce diffusers'
/// <c>EulerDiscreteScheduler</c> numbers (sampling_EulerDiscreteScheduler.json, same config, x_T and synthetic model):
/// LMS of order 1 over whole trajectories; the first half step of Heun and KDPM2; every Euler ancestral step, split
/// into the Euler step to σ_down plus σ_up · z.
/// </summary>
/// <remarks>
/// Tolerance: diffusers' Euler casts the sample to float32 inside step() and takes Δσ in float32, while LMS, Heun and
/// KDPM2 step in float64 and LMS integrates Δσ in double; these differ by ~1e-7, so 1e-6 relative (as the Euler
/// reference test), or the case's own <c>float32_run_max_rel_diff</c> where diffusers' float32 rounding is amplified
/// (squaredcos_cap_v2 from t = 999, σ ≈ 2e4: up to 5e-4). A wrong coefficient or σ moves a step by 1e-3 or more.
/// </remarks>
public class KSamplerReductionTests
{
    private const double BaseTolerance = 1e-6;

    public static TheoryData<string> Ids() => KSamplerKit.EulerIds();

    [Theory]
    [MemberData(nameof(Ids))]
    public void LmsOfOrderOneIsDiffusersEuler(string id)
    {
        SamplingCase c = KSamplerKit.EulerCase(id);
        double tolerance = Tolerance(c);
        ReferenceRunner.Result result = ReferenceRunner.Run(new LmsSampler(), c, new SamplerRunOptions { Order = 1 });
        for (int i = 0; i < c.Samples.Length; i++)
        {
            double error = KSamplerKit.RelativeError(result.Samples[i], c.Samples[i]);
            Assert.True(error <= tolerance, $"{id}: step {i} relative error {error:E3}");
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void FirstStepOfLmsAndHeunIsDiffusersEulerStepAndKdpm2GoesToTheMidpoint(string id)
    {
        SamplingCase c = KSamplerKit.EulerCase(id);
        double tolerance = Tolerance(c);
        double[] euler = c.Samples[0];
        Assert.True(KSamplerKit.RelativeError(FirstStep(new LmsSampler(), c), euler) <= tolerance, $"{id}: LMS");
        Assert.True(KSamplerKit.RelativeError(FirstStep(new HeunSampler(), c), euler) <= tolerance, $"{id}: Heun");

        // KDPM2 takes the same slope d_0 = (euler - x_T) / (σ_1 - σ_0) only as far as σ̂_1 = √(σ_0 σ_1).
        double sigma0 = c.Sigmas![0];
        double sigma1 = c.Sigmas[1];
        double fraction = (Math.Sqrt(sigma0 * sigma1) - sigma0) / (sigma1 - sigma0);
        double[] expected = c.XT.Zip(euler, (x, e) => x + (e - x) * fraction).ToArray();
        Assert.True(KSamplerKit.RelativeError(FirstStep(new Kdpm2Sampler(), c), expected) <= tolerance, $"{id}: KDPM2");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EulerAncestralStepIsEulerToSigmaDownPlusSigmaUpNoise(string id)
    {
        SamplingCase c = KSamplerKit.EulerCase(id);
        double tolerance = Tolerance(c);
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new EulerAncestralSampler().CreateRun(c.Config, c.NumInferenceSteps);
        var generator = new torch.Generator(7);
        for (int i = 0; i < c.Samples.Length; i++)
        {
            // From diffusers' x_i, one ancestral step with known noise z.
            double[] xi = i == 0 ? c.XT : c.Samples[i - 1];
            torch.Tensor x = ReferenceCases.ToTensor(xi);
            torch.Tensor output = ReferenceCases.SyntheticModel(run.ScaleModelInput(x, i),
                torch.full(2, run.Timesteps[i], dtype: torch.ScalarType.Float64));
            torch.Tensor z = torch.randn(SamplingCase.Shape, dtype: torch.ScalarType.Float64, generator: generator);
            var noise = new StepNoise(new ReplayNoiseSampler([z.data<double>().ToArray()]));
            double[] actual = run.Step(output, i, x, noise).PrevSample.data<double>().ToArray();

            // Expected, from diffusers' Euler step x_i → e_{i+1} (slope (e - x)/(σ_{i+1} - σ_i)) and k-diffusion's
            // σ_up = √(σ_to² (σ_from² - σ_to²) / σ_from²), σ_down = √(σ_to² - σ_up²), in float32 as diffusers takes them
            // (σ_down² cancels to a few float32 ulps of σ_to² when σ_to ≪ σ_from).
            float from = (float)c.Sigmas![i];
            float to = (float)c.Sigmas[i + 1];
            float up = MathF.Sqrt(to * to * (from * from - to * to) / (from * from));
            float down = MathF.Sqrt(to * to - up * up);
            Assert.Equal(to * (double)to, down * (double)down + up * (double)up, 1e-6 * to * to + 1e-30);
            double[] zs = z.data<double>().ToArray();
            double[] expected = xi.Select((xv, k) => xv + (c.Samples[i][k] - xv) * (down - from) / (to - from) + up * zs[k])
                .ToArray();
            double error = KSamplerKit.RelativeError(actual, expected);
            Assert.True(error <= tolerance, $"{id}: step {i} relative error {error:E3}");
        }
    }

    private static double Tolerance(SamplingCase c) => Math.Max(BaseTolerance, c.Float32RunMaxRelDiff);

    private static double[] FirstStep(ISampler sampler, SamplingCase c)
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = sampler.CreateRun(c.Config, c.NumInferenceSteps);
        torch.Tensor x = KSamplerKit.XT(c);
        torch.Tensor output = ReferenceCases.SyntheticModel(run.ScaleModelInput(x, 0),
            torch.full(2, run.Timesteps[0], dtype: torch.ScalarType.Float64));
        return run.Step(output, 0, x, StepNoise.Default).PrevSample.data<double>().ToArray();
    }
}
