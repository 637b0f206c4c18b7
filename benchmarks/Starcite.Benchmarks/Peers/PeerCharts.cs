using ScottPlot;

namespace Starcite.Benchmarks.Peers;

/// <summary>Bar charts of the peer figures (ScottPlot), one PNG per workload, saved next to the report.</summary>
internal static class PeerCharts
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.MediumPurple, Colors.SaddleBrown];

    /// <summary>Groups of bars: one group per category (e.g. a system), one bar per series (e.g. p50, p99).</summary>
    public static void Grouped(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<(string Series, double[] Values)> series)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        var width = 0.8 / series.Count;
        for (var s = 0; s < series.Count; s++)
        {
            for (var c = 0; c < categories.Count; c++)
            {
                var value = series[s].Values[c];
                bars.Add(new Bar
                {
                    Position = c + (s - (series.Count - 1) / 2.0) * width,
                    Value = double.IsFinite(value) ? value : 0,
                    Size = width * 0.9,
                    FillColor = Palette[s % Palette.Length],
                    Label = double.IsFinite(value) ? Format(value) : "n/a",
                });
            }
        }

        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.Select(Wrap).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title(title);
        plot.YLabel(yLabel);
        if (series.Count > 1)
        {
            foreach (var (name, index) in series.Select((s, i) => (s.Series, i)))
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = Palette[index % Palette.Length] });
            }

            plot.ShowLegend(Alignment.UpperRight);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        plot.SavePng(path, 1000, 520);
    }

    private static string Format(double value) => value switch
    {
        >= 10_000 => $"{value / 1000:N0}k",
        >= 100 => $"{value:N0}",
        >= 10 => $"{value:N1}",
        _ => $"{value:N2}",
    };

    // "Redis Streams (appendfsync always)" is too wide for one tick: break before the parenthesis.
    private static string Wrap(string label) => label.Replace(" (", "\n(", StringComparison.Ordinal);
}
