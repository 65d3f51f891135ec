using MudBlazor;

namespace ValueStreams.Designer.Layout;

/// <summary>The product's colours; value chain activity colours live in <see cref="Shared.ActivityColours"/>.</summary>
public static class ValueStreamsTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5f8b",
            Secondary = "#2e8b57",
            AppbarBackground = "#173f5f",
            Background = "#f5f7fa",
            DrawerBackground = "#ffffff",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
