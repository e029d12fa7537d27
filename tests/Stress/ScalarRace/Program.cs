using System.Collections.Concurrent;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

// Reproduces TorchSharp 0.107.0 scalar arguments freed by a finalizer while libtorch reads them (see README,
// "Tests in parallel"). Usage: ScalarRace <implicit|explicit> <seconds> <workers> [collector: 1|0]
//   implicit: x.mul(a), x.add(x, alpha: b) with doubles converted to temporary Scalars, as in Tensor operators;
//   explicit: the same with Scalars held by `using` until the op returns.
// Run it Release-built; set DOTNET_JITMinOpts=1 to see the test host's mitigation.
string mode = args[0];
double seconds = double.Parse(args[1]);
int workers = int.Parse(args[2]);
bool collect = args.Length < 4 || args[3] != "0";
if (mode is not ("implicit" or "explicit"))
    throw new ArgumentException($"mode must be implicit or explicit, not {mode}");
set_num_threads(1);
long iterations = 0, wrong = 0, errors = 0, collections = 0;
var messages = new ConcurrentDictionary<string, int>();
var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var threads = Enumerable.Range(0, workers).Select(id => new Thread(() =>
{
    // Distinct constants per worker: a scalar freed and reused by another worker shows as a wrong sum.
    double a = 0.25 + id, b = 1.5 + 2 * id;
    using Tensor x = ones(64);
    while (!stop.IsCancellationRequested)
    {
        try
        {
            using var scope = NewDisposeScope();
            float product, sum;
            if (mode == "implicit")
            {
                product = x.mul(a).sum().item<float>();
                sum = x.add(x, alpha: b).sum().item<float>();
            }
            else
            {
                using Scalar sa = a.ToScalar(), sb = b.ToScalar();
                product = x.mul(sa).sum().item<float>();
                sum = x.add(x, alpha: sb).sum().item<float>();
            }
            if (product != 64 * a || sum != 64 * (1 + b))
                Interlocked.Increment(ref wrong);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref errors);
            string line = e.Message.Split('\n')[0] + " | " + e.Message.Split('\n').ElementAtOrDefault(1);
            messages.AddOrUpdate(line, 1, (_, c) => c + 1);
        }
        Interlocked.Increment(ref iterations);
    }
})).ToList();
var collector = new Thread(() =>
{
    while (!stop.IsCancellationRequested) { GC.Collect(0); collections++; }
});
var clock = Stopwatch.StartNew();
threads.ForEach(t => t.Start());
if (collect) collector.Start();
threads.ForEach(t => t.Join());
if (collect) collector.Join();
Console.WriteLine($"mode={mode} workers={workers} collector={collect} {clock.Elapsed.TotalSeconds:F1} s: " +
                  $"iterations={iterations} collections={collections} wrong={wrong} errors={errors}");
foreach (var (message, count) in messages)
    Console.WriteLine($"  {count} x {message}");
return wrong + errors == 0 ? 0 : 1;
