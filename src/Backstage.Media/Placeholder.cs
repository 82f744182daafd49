namespace Backstage.Media; internal static class Placeholder { }
