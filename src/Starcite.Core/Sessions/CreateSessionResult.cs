namespace Starcite.Sessions;

/// <summary>The outcome of creating a session.</summary>
/// <param name="Created">True when the session was created and is durable; false when a session with that id already exists.</param>
/// <param name="Session">The new session, or the existing one with the same id.</param>
public readonly record struct CreateSessionResult(bool Created, SessionInfo Session);
