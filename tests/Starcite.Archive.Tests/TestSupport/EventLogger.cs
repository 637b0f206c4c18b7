using Microsoft.Extensions.Logging;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>A logger factory that lets a test wait until a given event id is logged, instead of sleeping.</summary>
public sealed class EventLogger : ILoggerFactory, ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(int Id, TaskCompletionSource Logged)> _waiters = [];

    /// <summary>Completes when the next entry with <paramref name="eventId"/> is logged.</summary>
    public Task NextAsync(int eventId)
    {
        var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((eventId, logged));
        }

        return logged.Task;
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => w.Id == eventId.Id).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Logged.TrySetResult();
            }
        }
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}
