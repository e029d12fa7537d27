using System.Collections.Concurrent;
using System.Reflection.Emit;

namespace DiffusionFramework.Tests.Runtime;

/// <summary>
/// TorchSharp 0.107.0 frees a native scalar or tensor in the finalizer of its managed wrapper, and its methods read
/// <c>.Handle</c> before the P/Invoke without a <c>GC.KeepAlive</c>. Optimised JIT code stops reporting the wrapper as
/// live once the handle is read, so a collection started by another thread can finalise it while libtorch still reads
/// it ("Expected false to be true" from c10::Scalar::toFloat/toDouble, wrong numbers, access violations). The test host
/// runs with <c>DOTNET_JITMinOpts=1</c> (test.runsettings): unoptimised code keeps every argument and local reachable
/// until its method returns. This test fails when that setting is lost; tests/Stress/ScalarRace reproduces the
/// libtorch failures themselves.
/// </summary>
public class ObjectLifetimeTests
{
    /// <summary>The pattern of TorchSharp's <c>Tensor operator *(Tensor, double)</c>: a temporary wrapper passed to a
    /// method that reads its handle, blocks in a call and never touches the wrapper again. The probe is emitted as a
    /// dynamic method because those are always compiled optimised, like the Release-built TorchSharp.dll (this Debug test
    /// assembly is not). Without the setting 10 of 10 wrappers were finalised during the call.</summary>
    [Fact]
    public void ArgumentsStayReachableUntilTheirCallReturns()
    {
        const int Probes = 10;
        Func<bool> callWithTemporary = EmitCallWithTemporary();
        int finalisedDuringCall = 0;
        using (Collector.Start())
        {
            for (int i = 0; i < Probes; i++)
                if (callWithTemporary())
                    finalisedDuringCall++;
        }
        Assert.True(finalisedDuringCall == 0,
            $"{finalisedDuringCall} of {Probes} wrappers were finalised while their call still ran: the test host lost DOTNET_JITMinOpts=1");
    }

    /// <summary><c>() =&gt; ReadHandleThenBlock(new NativeWrapper())</c> with
    /// <c>ReadHandleThenBlock(w) { long h = w.Handle; Thread.Sleep(20); return Finalised.ContainsKey(h); }</c>; the
    /// sleep stands for the P/Invoke (the thread is preemptive there, so collections proceed).</summary>
    private static Func<bool> EmitCallWithTemporary()
    {
        var probe = new DynamicMethod("ReadHandleThenBlock", typeof(bool), [typeof(NativeWrapper)], restrictedSkipVisibility: true);
        ILGenerator il = probe.GetILGenerator();
        il.DeclareLocal(typeof(long));
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Callvirt, typeof(NativeWrapper).GetProperty(nameof(NativeWrapper.Handle))!.GetMethod!);
        il.Emit(OpCodes.Stloc_0);
        il.Emit(OpCodes.Ldc_I4, 20);
        il.Emit(OpCodes.Call, typeof(Thread).GetMethod(nameof(Thread.Sleep), [typeof(int)])!);
        il.Emit(OpCodes.Ldsfld, typeof(NativeWrapper).GetField(nameof(NativeWrapper.Finalised))!);
        il.Emit(OpCodes.Ldloc_0);
        il.Emit(OpCodes.Callvirt, typeof(ConcurrentDictionary<long, bool>).GetMethod("ContainsKey")!);
        il.Emit(OpCodes.Ret);

        var caller = new DynamicMethod("CallWithTemporary", typeof(bool), Type.EmptyTypes, restrictedSkipVisibility: true);
        il = caller.GetILGenerator();
        il.Emit(OpCodes.Newobj, typeof(NativeWrapper).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Call, probe);
        il.Emit(OpCodes.Ret);
        return caller.CreateDelegate<Func<bool>>();
    }

    /// <summary>Stands for TorchSharp's Scalar: a handle freed by the finalizer.</summary>
    private sealed class NativeWrapper
    {
        private static long s_next;
        public static readonly ConcurrentDictionary<long, bool> Finalised = new();
        public long Handle { get; } = Interlocked.Increment(ref s_next);
        ~NativeWrapper() => Finalised[Handle] = true;
    }

    /// <summary>A thread that collects and runs finalizers in a loop until disposed.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        private Collector()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            });
        }

        public static Collector Start()
        {
            var collector = new Collector();
            collector._thread.Start();
            return collector;
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
