using System.Globalization;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// The <c>checkpoint-&lt;step&gt;</c> sub-folders of a run's checkpoint folder (the naming of diffusers' training
/// scripts): where step n goes, which is newest, and pruning to the last K (<c>checkpoints_total_limit</c>).
/// </summary>
internal static class CheckpointFolders
{
    private const string Prefix = "checkpoint-";

    /// <summary>The folder of the checkpoint after step <paramref name="step"/>.</summary>
    public static string For(string root, long step) =>
        Path.Combine(root, Prefix + step.ToString(CultureInfo.InvariantCulture));

    /// <summary>The checkpoint folders under <paramref name="root"/>, oldest step first (none when it does not exist).</summary>
    public static IReadOnlyList<(long Step, string Path)> List(string root)
    {
        if (!Directory.Exists(root))
            return [];
        var found = new List<(long Step, string Path)>();
        foreach (string folder in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            string suffix = Path.GetFileName(folder)[Prefix.Length..];
            if (suffix.All(char.IsAsciiDigit) && long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
                found.Add((step, folder));
        }
        return found.OrderBy(f => f.Step).ToArray();
    }

    /// <summary>Deletes all but the <paramref name="keep"/> newest checkpoint folders; returns the deleted paths.</summary>
    public static IReadOnlyList<string> Prune(string root, int keep)
    {
        var folders = List(root);
        var doomed = folders.Take(Math.Max(0, folders.Count - keep)).Select(f => f.Path).ToArray();
        foreach (string folder in doomed)
            Directory.Delete(folder, recursive: true);
        return doomed;
    }
}
