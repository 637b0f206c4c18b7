namespace Starcite;

/// <summary>Base of every exception the engine throws for a reason of its own.</summary>
/// <remarks><see cref="Code"/> is the stable error code of the contract (for example <c>invalid_event</c>).</remarks>
public abstract class StarciteException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected StarciteException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The contract's error code.</summary>
    public string Code { get; }
}
