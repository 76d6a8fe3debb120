namespace Platform.Cli;

/// <summary>A one-line progress bar on standard error (only when it is a terminal), and notes above it.</summary>
public sealed class Progress(int total, string label)
{
    private const int Width = 30;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private int _done;
    private DateTime _lastDraw = DateTime.MinValue;

    public void Advance()
    {
        _done++;
        if (_interactive && (DateTime.UtcNow - _lastDraw).TotalMilliseconds >= 100)
        {
            Draw();
        }
    }

    public void Note(string message)
    {
        if (_interactive)
        {
            Console.Error.Write('\r' + new string(' ', Width + 40) + '\r');
        }
        Console.Error.WriteLine(message);
    }

    public void Done()
    {
        if (_interactive)
        {
            Draw();
            Console.Error.WriteLine();
        }
    }

    private void Draw()
    {
        _lastDraw = DateTime.UtcNow;
        if (total > 0)
        {
            var filled = (int)((long)Width * _done / total);
            Console.Error.Write($"\r{label} [{new string('#', filled)}{new string(' ', Width - filled)}] {_done}/{total}");
        }
        else
        {
            Console.Error.Write($"\r{label} {_done}");
        }
    }
}
