using Microsoft.Extensions.Logging;

namespace Starcite.CrashWriter;

/// <summary>
/// Prints every engine log message as <c>log &lt;eventId&gt; &lt;message&gt;</c> on the ack stream, so the test
/// sees checkpoints and recovery statistics in order with the acks.
/// </summary>
internal sealed class LineLoggerFactory(AckWriter output) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(output);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class LineLogger(AckWriter output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception).ReplaceLineEndings(" ");
            output.Line(exception is null ? $"log {eventId.Id} {message}" : $"log {eventId.Id} {message} {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}");
        }
    }
}
