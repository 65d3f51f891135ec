using MudBlazor;

namespace ValueStreams.Designer.Analytics;

/// <summary>Chart series and readable y axes for the report pages' MudBlazor charts.</summary>
public static class ChartAxes
{
    public static BarChartOptions Bars(List<ChartSeries<double>> series) => new() { YAxisTicks = TickSpacing(series), MaxNumYAxisTicks = 8 };

    /// <summary>A round spacing (1, 2 or 5 times a power of ten) that gives the axis about five ticks over the tallest value.</summary>
    public static int TickSpacing(List<ChartSeries<double>> series, bool stacked = false)
    {
        var values = series.Select(s => s.Data.Values.ToList()).ToList();
        var tallest = stacked
            ? Enumerable.Range(0, values.Count == 0 ? 0 : values.Max(v => v.Count)).Select(i => values.Sum(v => i < v.Count ? v[i] : 0)).DefaultIfEmpty().Max()
            : values.SelectMany(v => v).DefaultIfEmpty().Max();
        var rough = Math.Max(1, tallest / 5);
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1, 2, 5, 10 }.Select(f => f * power).First(s => s >= rough);
        return (int)Math.Max(1, step);
    }

    public static ChartSeries<double> Series(string name, IEnumerable<double> values) =>
        new() { Name = name, Data = new ChartData<double>(values.ToList()) };
}
