using BenchmarkDotNet.Running;
using Starcite.Benchmarks.Load;
using Starcite.Benchmarks.Peers;

// `load append|read|restart [--writers N --sessions N --payload BYTES --seconds N --events N --rounds N]` runs the load mode;
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
        default:
            Console.Error.WriteLine("usage: load append|read|restart|peers [--writers N] [--sessions N] [--payload BYTES] [--seconds N] [--events N] [--rounds N] [--dir PATH]");
            return 2;
    }
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
