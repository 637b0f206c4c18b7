using Starcite.Server;

var app = StarciteServer.Build(args);
InlineSocketCompletions.EnableUnlessClustered(app.Configuration); // before the first socket: the runtime reads it once
await app.RunAsync();

/// <summary>The entry point, public for test hosts.</summary>
public partial class Program;
