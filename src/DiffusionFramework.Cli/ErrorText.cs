namespace DiffusionFramework.Cli;

/// <summary>Turns an exception into the one line the CLI prints for it.</summary>
public static class ErrorText
{
    /// <summary>
    /// The first line of <paramref name="error"/>'s message, without the <c>(Parameter 'name')</c> suffix .NET appends to
    /// argument exceptions (the parameter is the library's, not the user's) and without the native stack trace that
    /// libtorch appends to its errors.
    /// </summary>
    public static string Of(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string message = error.Message;
        if (error is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
                message = message[..^suffix.Length];
        }
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}
