using Starcite.Server;

var app = StarciteServer.Build(args);
await app.RunAsync();

/// <summary>The entry point, public for test hosts.</summary>
public partial class Program;
