using System.Diagnostics;

namespace DiffusionFramework.Cli;

/// <summary>
/// A one-line progress bar (on standard error). On a terminal it redraws in place; when standard error is redirected
/// it prints a line at each tenth of the work, so logs stay short.
/// </summary>
public sealed class ConsoleProgress
{
    private readonly string _label;
    private readonly int _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private int _lastTenth = -1;
    private long _lastDrawMs = -1000;

    /// <summary>Starts a bar for <paramref name="total"/> units of work, drawn on <paramref name="writer"/>.</summary>
    public ConsoleProgress(TextWriter writer, string label, int total)
    {
        _writer = writer;
        _interactive = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        _label = label;
        _total = Math.Max(1, total);
    }

    /// <summary>Reports that <paramref name="done"/> units are finished, with an optional status text.</summary>
    public void Report(int done, string? status = null)
    {
        long now = _clock.ElapsedMilliseconds;
        if (_interactive)
        {
            if (done < _total && now - _lastDrawMs < 100)
                return;
            _lastDrawMs = now;
            const int width = 30;
            int filled = (int)((long)width * done / _total);
            string bar = new string('#', filled) + new string('-', width - filled);
            _writer.Write($"\r{_label} [{bar}] {done}/{_total} {Eta(done, now)} {status}".PadRight(100));
            if (done >= _total)
                _writer.WriteLine();
            return;
        }
        int tenth = (int)(10L * done / _total);
        if (tenth == _lastTenth && done < _total)
            return;
        _lastTenth = tenth;
        _writer.WriteLine($"{_label} {done}/{_total} {Eta(done, now)} {status}".TrimEnd());
    }

    private string Eta(int done, long nowMs)
    {
        if (done <= 0)
            return "";
        double perUnit = nowMs / (double)done;
        TimeSpan left = TimeSpan.FromMilliseconds(perUnit * (_total - done));
        return done >= _total ? $"{nowMs / 1000.0:F1}s" : $"eta {left:mm\\:ss}";
    }
}
