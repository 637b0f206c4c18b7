using BenchmarkDotNet.Running;
using Starcite.Benchmarks.Load;
using Starcite.Benchmarks.Load.Http;
using Starcite.Benchmarks.Peers;

// `load append|read|restart|http-append|http-tail [options]` runs the load mode (see the usage line below);
// `load archive-write|archive-read --store postgres|s3 [...]` the archive adapters (see ArchiveLoadOptions);
// `load archive-keepup|archive-replay --store postgres|s3 [...]` an engine with an archive, end to end (see EngineArchiveLoadOptions);
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
        case "peers":
            // Side by side with Redis Streams, NATS JetStream and PostgreSQL: see scripts/bench-peers.sh.
            return await PeerBench.RunAsync(PeerBenchOptions.Parse(args));
        case "http-append":
            await HttpAppendLoad.RunAsync(options);
            return 0;
        case "http-tail":
            await HttpTailLoad.RunAsync(options);
            return 0;
        case "failover":
            await HttpFailoverLoad.RunAsync(options);
            return 0;
        case "archive-write":
            await ArchiveLoad.WriteAsync(ArchiveLoadOptions.Parse(args));
            return 0;
        case "archive-read":
            await ArchiveLoad.ReadAsync(ArchiveLoadOptions.Parse(args));
            return 0;
        case "archive-keepup":
            await ArchiveKeepUpLoad.RunAsync(EngineArchiveLoadOptions.Parse(args, defaultRounds: 1));
            return 0;
        case "archive-replay":
            await ArchiveReplayLoad.RunAsync(EngineArchiveLoadOptions.Parse(args, defaultRounds: 5));
            return 0;
        default:
            Console.Error.WriteLine("usage: load append|read|restart|http-append|http-tail|failover|peers [--writers N | --connections N] [--sessions N] [--payload BYTES] " +
                "[--seconds N] [--events N] [--rounds N] [--rate N] [--subscribers N] [--url http://host:port] [--cluster N] [--spread] [--kills N] [--dir PATH] [--auth]");
            Console.Error.WriteLine("       load archive-write|archive-read --store postgres|s3 [--events N] [--sessions N] [--payload BYTES] [--per-write N] [--page N] [--rounds N] [--method copy|copy-staged|unnest|all] [--chunk N]");
            Console.Error.WriteLine("       load archive-keepup --store postgres|s3 [--rate N] [--seconds N] [--sessions N] [--payload BYTES] [--writers N] [--flush-ms N] [--rounds N] [--dir PATH]");
            Console.Error.WriteLine("       load archive-replay --store postgres|s3 [--events N] [--payload BYTES] [--page N] [--rounds N] [--dir PATH]");
            return 2;
    }
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
