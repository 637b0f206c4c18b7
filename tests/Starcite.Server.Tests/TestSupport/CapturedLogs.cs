using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>A logger provider that keeps every message at Warning or above, so tests can assert that nothing went wrong.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception)> _entries = new();

    /// <summary>Every error or critical message, as text.</summary>
    public IReadOnlyList<string> Errors =>
        [.. _entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category} {e.EventId}: {e.Message} {e.Exception}")];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(LogLevel, string, EventId, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue((logLevel, category, eventId, formatter(state, exception), exception));
            }
        }
    }
}
