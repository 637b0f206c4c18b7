namespace Starcite;

/// <summary>
/// The cluster cannot take the request now (code <c>unavailable</c>): an election is running, there is no quorum, or
/// the commit did not complete in time. A retry with the same producer ids is safe: an append that did commit after
/// all is deduplicated.
/// </summary>
public sealed class UnavailableException : StarciteException
{
    /// <summary>Creates the exception.</summary>
    public UnavailableException(string message, Exception? innerException = null)
        : base("unavailable", message, innerException)
    {
    }
}
