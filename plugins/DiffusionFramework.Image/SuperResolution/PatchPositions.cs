namespace DiffusionFramework.Image.SuperResolution;

/// <summary>
/// Where the patch of dataset index k is cut: a pure function of (seed, k) through the SplitMix64 mixer (Steele et
/// al. 2014), so a batch is the same whichever order or thread asks for it.
/// </summary>
internal static class PatchPositions
{
    /// <summary>The top-left corner of a <paramref name="patch"/>-sized patch inside an image of the given size.</summary>
    public static (int Top, int Left) For(ulong seed, long index, int height, int width, int patch)
    {
        ulong bits = Mix(seed ^ Mix((ulong)index));
        int top = (int)((bits >> 32) % (ulong)(height - patch + 1));
        int left = (int)((bits & 0xFFFF_FFFFUL) % (ulong)(width - patch + 1));
        return (top, left);
    }

    /// <summary>
    /// Which of the square's eight symmetries (dihedral group D4) item <paramref name="index"/> is seen under:
    /// bits 0-1 the number of quarter turns, bit 2 a horizontal flip; drawn from a stream apart from the position's.
    /// </summary>
    public static int Symmetry(ulong seed, long index) => (int)(Mix(~seed ^ Mix((ulong)index)) & 7);

    private static ulong Mix(ulong z)
    {
        z += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
