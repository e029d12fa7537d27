using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Image.Output;

/// <summary>
/// Tiles a batch of images [B, C, H, W] into one image, row by row, with <c>padding</c> pixels of a constant value
/// around every tile; empty cells of the last row are filled with that value. Tensor ops only.
/// </summary>
public static class ImageGrid
{
    /// <summary>Builds the grid [C, rows · (H + p) + p, columns · (W + p) + p] on the batch's device.</summary>
    /// <param name="batch">Images [B, C, H, W], B ≥ 1.</param>
    /// <param name="columns">Tiles per row (≥ 1); the batch fills ceil(B / columns) rows.</param>
    /// <param name="padding">Pixels between tiles and around the border (≥ 0).</param>
    /// <param name="padValue">Value of the padding, in the batch's units.</param>
    public static Tensor Tile(Tensor batch, int columns, int padding, double padValue)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 4 || batch.shape[0] < 1)
            throw new ArgumentException($"a grid needs images [B >= 1, C, H, W], got [{string.Join(", ", batch.shape)}]",
                nameof(batch));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        using var scope = NewDisposeScope();
        long count = batch.shape[0], channels = batch.shape[1], height = batch.shape[2], width = batch.shape[3];
        long rows = (count + columns - 1) / columns;
        // 1. Pad every tile on the right and bottom; add blank tiles to complete the last row.
        Tensor tiles = nn.functional.pad(batch, [0, padding, 0, padding], value: padValue);
        if (rows * columns > count)
        {
            Tensor blank = full([rows * columns - count, channels, height + padding, width + padding], padValue,
                dtype: tiles.dtype, device: tiles.device);
            tiles = cat([tiles, blank], 0);
        }
        // 2. [rows, columns, C, h, w] -> [C, rows, h, columns, w] -> [C, rows · h, columns · w].
        Tensor grid = tiles.reshape(rows, columns, channels, height + padding, width + padding)
            .permute(2, 0, 3, 1, 4)
            .reshape(channels, rows * (height + padding), columns * (width + padding));
        // 3. The border on the left and top.
        return nn.functional.pad(grid, [padding, 0, padding, 0], value: padValue).MoveToOuterDisposeScope();
    }
}
