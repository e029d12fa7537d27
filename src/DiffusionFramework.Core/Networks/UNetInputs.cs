using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>Checks the inputs of <see cref="UNet.forward"/> against its configuration, with messages that say what to fix.</summary>
internal static class UNetInputs
{
    public static void Check(UNetConfig config, Tensor x, Tensor t, Tensor? classLabels, Tensor? context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        int rank = 2 + config.Dims;
        string layout = config.Dims == 1 ? "[B, C, L]" : "[B, C, H, W]";
        if (x.dim() != rank || x.shape[1] != config.InChannels)
            throw new ArgumentException(
                $"x must be {layout} with C = in_channels = {config.InChannels}, got {Layers.Shape(x)}", nameof(x));
        long batch = x.shape[0];
        for (int axis = 2; axis < rank; axis++)
        {
            if (x.shape[axis] % config.SpatialMultiple != 0 || x.shape[axis] == 0)
                throw new ArgumentException(
                    $"x: spatial size {x.shape[axis]} (axis {axis}) must be a positive multiple of {config.SpatialMultiple} " +
                    $"= 2^(levels - 1) for {config.ChannelMult.Count} levels, got shape {Layers.Shape(x)}", nameof(x));
        }

        if (!(t.dim() == 0 || (t.dim() == 1 && t.shape[0] == batch)))
            throw new ArgumentException($"t must be a scalar or have shape [{batch}], got {Layers.Shape(t)}", nameof(t));
        SameDevice(x, t, nameof(t));

        if (classLabels is not null)
        {
            if (config.NumClasses == 0)
                throw new ArgumentException("classLabels given, but the network is unconditional (num_classes = 0)",
                    nameof(classLabels));
            if (classLabels.dim() != 1 || classLabels.shape[0] != batch
                || classLabels.dtype is not (ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte))
                throw new ArgumentException(
                    $"classLabels must be integers of shape [{batch}], got {classLabels.dtype} {Layers.Shape(classLabels)}",
                    nameof(classLabels));
            SameDevice(x, classLabels, nameof(classLabels));
            if (classLabels.device_type != DeviceType.META && batch > 0)
            {
                long min = classLabels.min().to(int64).item<long>(), max = classLabels.max().to(int64).item<long>();
                if (min < 0 || max > config.NumClasses)
                    throw new ArgumentException(
                        $"classLabels must lie in [0, {config.NumClasses}] ({config.NumClasses} = the null class), got [{min}, {max}]",
                        nameof(classLabels));
            }
        }

        if (config.ContextChannels == 0 && context is not null)
            throw new ArgumentException("context given, but the network takes none (context_channels = 0)", nameof(context));
        if (config.ContextChannels > 0)
        {
            if (context is null)
                throw new ArgumentException(
                    $"context is required: the network concatenates {config.ContextChannels} context channels to x",
                    nameof(context));
            long[] expected = [batch, config.ContextChannels, .. x.shape.Skip(2)];
            if (!context.shape.SequenceEqual(expected))
                throw new ArgumentException(
                    $"context must have shape [{string.Join(", ", expected)}] (x's batch and spatial size, " +
                    $"context_channels = {config.ContextChannels}), got {Layers.Shape(context)}", nameof(context));
            SameDevice(x, context, nameof(context));
        }
    }

    private static void SameDevice(Tensor x, Tensor other, string name)
    {
        if (other.device_type != x.device_type || other.device_index != x.device_index)
            throw new ArgumentException($"{name} is on {other.device}, but x is on {x.device}", name);
    }
}
