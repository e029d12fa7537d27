using System.Text.Json;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>SDEdit / img2img: diffusers' get_timesteps, add_noise at the begin index for every sampler, the
/// strength 0 and 1 identities.</summary>
public class Img2ImgTests
{
    /// <summary>Integer timesteps, and the schedule spelled out: samplers have different diffusers defaults.</summary>
    private static readonly SchedulerConfig Leading = new()
    {
        TimestepSpacing = "leading", BetaSchedule = "linear", BetaStart = 0.0001, BetaEnd = 0.02,
    };

    /// <summary>Expected values worked by hand from diffusers' get_timesteps: init = min(int(n·s), n),
    /// t_start = max(n - init, 0), begin = t_start · order (capped at the run's length).</summary>
    [Theory]
    [InlineData(50, 0.8, 1, 10)]
    [InlineData(10, 0.75, 1, 3)]
    [InlineData(10, 0.3, 1, 7)] // 10 · 0.3 = 3.0000000000000004
    [InlineData(10, 0.29, 1, 8)]
    [InlineData(7, 0.5, 1, 4)]
    [InlineData(10, 1.0, 1, 0)]
    [InlineData(10, 0.0, 1, 10)]
    [InlineData(10, 0.5, 2, 10)]
    [InlineData(10, 0.25, 2, 16)]
    [InlineData(10, 0.0, 2, 19)]
    [InlineData(10, 1.0, 2, 0)]
    public void BeginIndexIsDiffusersGetTimesteps(int steps, double strength, int order, int expected)
    {
        using var run = new OrderRun(steps, order);
        Assert.Equal(expected, Img2Img.BeginIndex(run, steps, strength));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.0001)]
    [InlineData(double.NaN)]
    public void StrengthOutsideTheUnitIntervalIsRefused(double strength)
    {
        using var run = new OrderRun(10, 1);
        var error = Assert.Throws<ArgumentException>(() => Img2Img.BeginIndex(run, 10, strength));
        Assert.Contains("strength must lie in [0, 1]", error.Message);
    }

    /// <summary>run.AddNoise of DDPM and DDIM runs (1000 leading steps: step i is timestep 999 - i) against
    /// diffusers' add_noise in float64.</summary>
    [Theory]
    [InlineData("ddpm")]
    [InlineData("ddim")]
    public void DiscreteRunsAddNoiseAsDiffusers(string sampler)
    {
        using var scope = torch.NewDisposeScope();
        JsonElement root = ReferenceData.Schedulers("add_noise.json").RootElement;
        torch.Tensor x0 = ReferenceCases.ToTensor(ReferenceData.Doubles(root.GetProperty("x0").GetProperty("values")));
        torch.Tensor noise = ReferenceCases.ToTensor(ReferenceData.Doubles(root.GetProperty("noise").GetProperty("values")));
        int checkedCases = 0;
        foreach (JsonElement c in root.GetProperty("cases").EnumerateArray())
        {
            long[] t = c.GetProperty("timesteps").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            string id = c.GetProperty("id").GetString()!;
            if (t[0] != t[1] || id.Contains("sigmoid") || id.Contains("laplace"))
            {
                continue;
            }

            var config = SchedulerConfig.FromJson(c.GetProperty("config").GetRawText()) with { TimestepSpacing = "leading" };
            using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(sampler, config, 1000);
            double[] noisy = run.AddNoise(x0, noise, 999 - (int)t[0]).data<double>().ToArray();
            double error = ReferenceRunner.MaxRelativeError(ReferenceData.Doubles(c.GetProperty("noisy_samples")), noisy);
            Assert.True(error <= 1e-15, $"{id}: relative error {error:E3}");
            checkedCases++;
        }

        Assert.Equal(20, checkedCases);
    }

    /// <summary>σ-space runs: Euler's add_noise is x0 + σ ε with σ = √((1 - ā)/ā); DPM-Solver's is α_t x0 + σ_t ε with
    /// α_t = 1/√(σ² + 1) = √ā, σ_t = √(1 - ā), at the step's timestep.</summary>
    [Theory]
    [InlineData("euler", false)]
    [InlineData("dpmsolver++", true)]
    public void SigmaRunsAddNoiseInTheirOwnSpace(string sampler, bool variancePreserving)
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(sampler, Leading, 20);
        IReadOnlyList<float> alphaBar = NoiseSchedule.FromConfig(Leading).AlphasCumprod;
        torch.Tensor x0 = torch.linspace(-1, 1, 24, dtype: torch.ScalarType.Float64).reshape(2, 3, 4);
        torch.Tensor noise = torch.randn([2, 3, 4], dtype: torch.ScalarType.Float64, generator: new torch.Generator(3));
        foreach (int i in new[] { 0, 7, 19 })
        {
            double a = alphaBar[(int)run.Timesteps[i]];
            torch.Tensor expected = variancePreserving
                ? x0 * Math.Sqrt(a) + noise * Math.Sqrt(1 - a)
                : x0 + noise * Math.Sqrt((1 - a) / a);
            double diff = Bits.MaxDiff(run.AddNoise(x0, noise, i), expected);
            Assert.True(diff < 2e-6 * (1 + Math.Sqrt((1 - a) / a)), $"{sampler} step {i}: {diff:E3}");
        }
    }

    /// <summary>
    /// For data that is a single point x*, the ideal ε-model is ε̂ = (x_in - √ā_t x*)/√(1 - ā_t), with σ_t² = (1 - ā_t)/ā_t
    /// interpolated in log σ between training timesteps for fractional t (k-diffusion's <c>t_to_sigma</c>; KDPM2's
    /// midpoints are fractional). An img2img start made with the run's own add_noise at the begin index must hand the
    /// model exactly that level, so its first prediction is the start's own ε: a start in the wrong space (x0 + σε for a
    /// variance-preserving run, or the reverse) or at the wrong step is not. From step 0, every exact deterministic
    /// solver then keeps x_i = α_i x* + σ_i ε, i.e. passes through the run's add_noise(x*, ε, i) after every full step
    /// and ends at the run's final level (x* when it is σ = 0): this checks the noise level of every step, which
    /// inpainting relies on. Later starts are not held to the path: diffusers' LMS, for one, starts img2img with
    /// truncated high-order weights.
    /// </summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(0.6)]
    [InlineData(0.25)]
    public void EverySamplerStartsAtItsBeginStepsLevel(double strength)
    {
        const int steps = 10;
        NoiseSchedule schedule = NoiseSchedule.FromConfig(Leading);
        // EDM Euler conditions its model on c_noise = ln(σ)/4, not on a DDPM training timestep (its own img2img test
        // is in Sampling/EdmFlow).
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers.Where(s =>
                     s.SupportedPredictionTypes.Contains(PredictionType.Epsilon) && s is not EdmEulerSampler))
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor target = torch.linspace(-0.9, 0.9, 24, dtype: torch.ScalarType.Float64).reshape(2, 3, 4);
            torch.Tensor eps = torch.randn([2, 3, 4], dtype: torch.ScalarType.Float64, generator: new torch.Generator(11));
            using ISamplerRun run = sampler.CreateRun(Leading, steps);
            int begin = Img2Img.BeginIndex(run, steps, strength);
            var predictions = new List<(double T, double Error)>();
            var offPath = new List<string>();
            torch.Tensor result = DiffusionSampling.Sample(run, (x, t) =>
            {
                double sigma = SigmaAt(schedule, t[0].ToDouble()), scale = Math.Sqrt(sigma * sigma + 1);
                torch.Tensor ideal = (x * scale - target) / sigma;
                predictions.Add((t[0].ToDouble(), Bits.MaxDiff(ideal, eps)));
                return ideal;
            }, Img2Img.Start(run, target, eps, begin), new SamplingOptions
            {
                BeginIndex = begin,
                Generator = new torch.Generator(5),
                Progress = p =>
                {
                    int next = p.StepIndex + 1;
                    if (begin > 0 || sampler.IsStochastic || next % run.Order != 0 || next == run.Timesteps.Count)
                    {
                        return;
                    }

                    double diff = Bits.MaxDiff(p.Sample, run.AddNoise(target, eps, next));
                    if (diff > 1e-4)
                    {
                        offPath.Add($"after step {p.StepIndex}: {diff:E2}");
                    }
                },
            });

            Assert.Equal(run.Timesteps.Count - begin, predictions.Count);
            Assert.Equal(run.Timesteps[begin], predictions[0].T);
            Assert.True(predictions[0].Error < 1e-4, $"{sampler.Name}: first prediction off by {predictions[0].Error:E2}");
            Assert.True(offPath.Count == 0, $"{sampler.Name}: {string.Join("; ", offPath)}");
            if (begin == 0)
            {
                // x* itself, or α x* + σ ε at a final level above zero (PNDM's alphā_0 without set_alpha_to_one).
                double final = Bits.MaxDiff(result, run.AddNoise(target, eps, run.Timesteps.Count));
                Assert.True(final < 1e-4, $"{sampler.Name}: final {final:E2}");
            }
        }
    }

    /// <summary>σ(t) = exp of log σ interpolated linearly between the neighbouring training timesteps.</summary>
    private static double SigmaAt(NoiseSchedule schedule, double t)
    {
        int low = (int)Math.Floor(t), high = Math.Min(low + 1, schedule.NumTrainTimesteps - 1);
        double LogSigma(int i) => 0.5 * Math.Log((1 - (double)schedule.AlphasCumprod[i]) / schedule.AlphasCumprod[i]);
        double w = t - low;
        return Math.Exp((1 - w) * LogSigma(low) + w * LogSigma(high));
    }

    /// <summary>With a zero-terminal-SNR schedule and trailing spacing DDIM's first step has ā = 0, so strength 1 noises
    /// any input to exactly ε: img2img at strength 1 is bit-for-bit plain generation from the same noise.</summary>
    [Fact]
    public void StrengthOneIsPlainGenerationForDdimAtZeroTerminalSnr()
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FunctionDenoiser(PredictionType.VPrediction,
            (x, t, _) => x * 0.5 + (x * 3).tanh() * (t / 1000).reshape(-1, 1, 1));
        var zeroSnr = new SchedulerConfig { RescaleBetasZeroSnr = true, TimestepSpacing = "trailing" };
        using DiffusionModel model = FunctionModality.Model(denoiser, [3, 4], zeroSnr);
        var plain = new GenerationRequest { Count = 2, Steps = 8, Seed = 21 };
        torch.Tensor init = torch.linspace(-1, 1, 24).reshape(2, 3, 4);

        torch.Tensor generated = model.Generate(plain);
        torch.Tensor edited = model.Generate(plain with { InitImage = init, Strength = 1.0 });
        torch.Tensor halfway = model.Generate(plain with { InitImage = init, Strength = 0.5 });

        Assert.Equal(Bits.Of(generated), Bits.Of(edited));
        Assert.NotEqual(Bits.Of(generated), Bits.Of(halfway));
    }

    [Fact]
    public void StrengthZeroReturnsTheInputWithoutCallingTheModel()
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FunctionDenoiser(PredictionType.Epsilon, (x, _, _) => x * 0.3);
        using DiffusionModel model = FunctionModality.Model(denoiser, [5]);
        torch.Tensor init = torch.randn([3, 5], generator: new torch.Generator(2));

        foreach (string sampler in new[] { "ddpm", "ddim", "euler", "dpmsolver++" })
        {
            torch.Tensor result = model.Generate(new GenerationRequest
            {
                Count = 3, Sampler = sampler, Steps = 12, InitImage = init, Strength = 0.0,
            });
            Assert.Equal(Bits.Of(init), Bits.Of(result));
        }

        Assert.Empty(denoiser.Calls);
    }

    /// <summary>A run of n steps of the given order (timesteps are irrelevant to the begin index).</summary>
    private sealed class OrderRun(int steps, int order) : ISamplerRun
    {
        public IReadOnlyList<double> Timesteps { get; } = new double[order == 1 ? steps : order * steps - 1];

        public int Order => order;

        public double InitNoiseSigma => 1;

        public torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex) => sample.alias();

        public SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise) =>
            throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
