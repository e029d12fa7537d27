using System.Text.Json;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Diffusion;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Schedules;

/// <summary>ForwardProcess.AddNoise against diffusers' DDPMScheduler.add_noise (add_noise.json, float64 samples).</summary>
public class AddNoiseReferenceTests
{
    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Root().GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("id").GetString()!);
        }

        return data;
    }

    /// <summary>
    /// The schedules are bit-exact except sigmoid (1 ulp on some betas, see NoiseScheduleReferenceTests), and the
    /// float64 arithmetic is the same as diffusers', so the result agrees to a few float64 ulps; sigmoid's alphā
    /// can be off by ~1e-6 relative, which moves √(1 - alphā) at t = 0 by as much.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseIds))]
    public void AddNoiseMatchesDiffusers(string id)
    {
        using var scope = torch.NewDisposeScope();
        JsonElement c = Root().GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        NoiseSchedule schedule = NoiseSchedule.FromConfig(SchedulerConfig.FromJson(c.GetProperty("config").GetRawText()));
        torch.Tensor x0 = ReferenceCases.ToTensor(ReferenceData.Doubles(Root().GetProperty("x0").GetProperty("values")));
        torch.Tensor noise = ReferenceCases.ToTensor(ReferenceData.Doubles(Root().GetProperty("noise").GetProperty("values")));
        long[] t = c.GetProperty("timesteps").EnumerateArray().Select(e => e.GetInt64()).ToArray();

        torch.Tensor noisy = ForwardProcess.AddNoise(schedule, x0, noise, torch.tensor(t));

        Assert.Equal(torch.ScalarType.Float64, noisy.dtype);
        double tolerance = id.Contains("sigmoid") ? 2e-6 : 1e-15;
        double error = ReferenceRunner.MaxRelativeError(ReferenceData.Doubles(c.GetProperty("noisy_samples")),
            noisy.data<double>().ToArray());
        Assert.True(error <= tolerance, $"{id}: relative error {error:E3} > {tolerance:E1}");
    }

    [Fact]
    public void TrainingTargetsAndConversionsInvertEachOther()
    {
        using var scope = torch.NewDisposeScope();
        NoiseSchedule schedule = NoiseSchedule.FromConfig(new SchedulerConfig { BetaSchedule = "squaredcos_cap_v2" });
        torch.Tensor x0 = ReferenceCases.ToTensor(ReferenceData.Doubles(Root().GetProperty("x0").GetProperty("values")));
        torch.Tensor noise = ReferenceCases.ToTensor(ReferenceData.Doubles(Root().GetProperty("noise").GetProperty("values")));
        torch.Tensor t = torch.tensor(new long[] { 37, 812 });
        torch.Tensor xt = ForwardProcess.AddNoise(schedule, x0, noise, t);
        double a0 = schedule.AlphasCumprod[37];

        // v = √ā ε - √(1-ā) x0, written out for batch element 0 from the schedule's own alphā.
        torch.Tensor v = ForwardProcess.TrainingTarget(PredictionType.VPrediction, schedule, x0, noise, t);
        torch.Tensor expectedV0 = noise[0] * Math.Sqrt(a0) - x0[0] * Math.Sqrt(1 - a0);
        Assert.True(torch.allclose(v[0], expectedV0, rtol: 1e-14, atol: 1e-14));
        Assert.True(noise.allclose(ForwardProcess.TrainingTarget(PredictionType.Epsilon, schedule, x0, noise, t), 0, 0));
        Assert.True(x0.allclose(ForwardProcess.TrainingTarget(PredictionType.Sample, schedule, x0, noise, t), 0, 0));

        foreach (PredictionType type in Enum.GetValues<PredictionType>().Where(p => p != PredictionType.Flow))
        {
            torch.Tensor target = ForwardProcess.TrainingTarget(type, schedule, x0, noise, t);
            Assert.True(torch.allclose(ForwardProcess.PredictOriginal(type, schedule, target, xt, t), x0, 1e-9, 1e-9), $"{type} → x0");
            Assert.True(torch.allclose(ForwardProcess.PredictEpsilon(type, schedule, target, xt, t), noise, 1e-9, 1e-9), $"{type} → ε");
        }
    }

    [Fact]
    public void SnrAndMinSnrWeightsFollowTheirDefinitions()
    {
        using var scope = torch.NewDisposeScope();
        NoiseSchedule schedule = NoiseSchedule.FromConfig(new SchedulerConfig());
        torch.Tensor t = torch.tensor(new long[] { 0, 500, 999 });

        float[] snr = ForwardProcess.Snr(schedule, t).data<float>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            double a = schedule.AlphasCumprod[(int)t[i].item<long>()];
            Assert.Equal(a / (1 - a), snr[i], a / (1 - a) * 1e-6);
        }

        torch.Tensor snrTensor = torch.tensor(new[] { 0.5, 5.0, 50.0 });
        Assert.Equal([1.0, 1.0, 5.0 / 50.0], ForwardProcess.MinSnrLossWeights(snrTensor, 5.0, PredictionType.Epsilon).data<double>().ToArray());
        Assert.Equal([0.5 / 1.5, 5.0 / 6.0, 5.0 / 51.0], ForwardProcess.MinSnrLossWeights(snrTensor, 5.0, PredictionType.VPrediction).data<double>().ToArray());
        Assert.Equal([0.5, 5.0, 5.0], ForwardProcess.MinSnrLossWeights(snrTensor, 5.0, PredictionType.Sample).data<double>().ToArray());
    }

    [Fact]
    public void RejectsOutOfRangeAndFractionalTimesteps()
    {
        using var scope = torch.NewDisposeScope();
        NoiseSchedule schedule = NoiseSchedule.FromConfig(new SchedulerConfig());
        torch.Tensor x = torch.zeros(2, 3);

        var range = Assert.Throws<ArgumentException>(() => ForwardProcess.AddNoise(schedule, x, x, torch.tensor(new long[] { 3, 1000 })));
        Assert.Contains("0 .. 999", range.Message);
        var fractional = Assert.Throws<ArgumentException>(() => ForwardProcess.AddNoise(schedule, x, x, torch.tensor(new[] { 3.5f, 1f })));
        Assert.Contains("integer", fractional.Message);
    }

    private static JsonElement Root() => ReferenceData.Schedulers("add_noise.json").RootElement;
}
