using BenchmarkDotNet.Running;
using Starcite.Benchmarks.Load;

// `load append|read|restart [--writers N --sessions N --payload BYTES --seconds N --events N --rounds N]` runs the load mode,
// `load archive-write|archive-read --store postgres|s3 [...]` the archive adapters (see ArchiveLoadOptions);
// anything else goes to BenchmarkDotNet (for example `--filter '*Append*'`).
if (args.Length > 0 && args[0] == "load")
{
    var options = LoadOptions.Parse(args);
    switch (args.ElementAtOrDefault(1))
    {
        case "append":
            await AppendLoad.RunAsync(options);
            return 0;
        case "read":
            await ReadLoad.RunAsync(options);
            return 0;
        case "restart":
            await RestartLoad.RunAsync(options);
            return 0;
        case "archive-write":
            await ArchiveLoad.WriteAsync(ArchiveLoadOptions.Parse(args));
            return 0;
        case "archive-read":
            await ArchiveLoad.ReadAsync(ArchiveLoadOptions.Parse(args));
            return 0;
        default:
            Console.Error.WriteLine("usage: load append|read|restart [--writers N] [--sessions N] [--payload BYTES] [--seconds N] [--events N] [--rounds N] [--dir PATH]");
            Console.Error.WriteLine("       load archive-write|archive-read --store postgres|s3 [--events N] [--sessions N] [--payload BYTES] [--per-write N] [--page N] [--rounds N] [--method copy|copy-staged|unnest|all] [--chunk N]");
            return 2;
    }
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
