using System.Diagnostics;
using System.Text.Json.Nodes;
using DiffusionFramework.Core.Networks;
using TorchSharp;
using static TorchSharp.torch;

// Times U-Net training steps: x_t from random x0, t and noise under a linear-beta schedule, ε-MSE loss, backward,
// AdamW. Usage: UNetTrainStep [--config digits.json] [--size 8] [--batch 64] [--threads 2] [--warmup 5] [--steps 30]
var options = Arguments.Parse(args);
set_num_threads(options.Threads);
UNetConfig config = UNetConfig.FromJson(JsonNode.Parse(File.ReadAllText(options.Config))!.AsObject());
manual_seed(0);
using var net = new UNet(config);
net.train();
long parameters = net.parameters().Sum(p => p.numel());
using var optimizer = optim.AdamW(net.parameters(), lr: 1e-4, weight_decay: 0.01);
using Tensor alphasCumprod = (1 - linspace(1e-4, 0.02, 1000, dtype: float64)).cumprod(0).to(float32);
long[] shape = config.Dims == 1
    ? [options.Batch, config.InChannels, options.Size]
    : [options.Batch, config.InChannels, options.Size, options.Size];

float Step()
{
    using var scope = NewDisposeScope();
    Tensor x0 = randn(shape);
    Tensor noise = randn(shape);
    Tensor t = randint(0, 1000, [options.Batch]);
    Tensor? labels = config.NumClasses > 0 ? randint(0, config.NumClasses, [options.Batch]) : null;
    Tensor abar = alphasCumprod[t].view([options.Batch, .. Enumerable.Repeat(1L, shape.Length - 1)]);
    Tensor xt = abar.sqrt() * x0 + (1 - abar).sqrt() * noise;
    optimizer.zero_grad();
    Tensor loss = nn.functional.mse_loss(net.forward(xt, t, labels, null), noise);
    loss.backward();
    optimizer.step();
    float value = loss.item<float>();
    return float.IsFinite(value) ? value : throw new InvalidOperationException($"the loss became {value}");
}

for (int i = 0; i < options.Warmup; i++)
    Step();
var clock = Stopwatch.StartNew();
float last = 0;
for (int i = 0; i < options.Steps; i++)
    last = Step();
double msPerStep = clock.Elapsed.TotalMilliseconds / options.Steps;
Console.WriteLine($"torchsharp ms_per_step={msPerStep:F2} params={parameters} batch={options.Batch} threads={get_num_threads()} " +
                  $"steps={options.Steps} last_loss={last:F4}");
