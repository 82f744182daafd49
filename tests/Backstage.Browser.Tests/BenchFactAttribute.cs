namespace Backstage.Browser.Tests;

/// <summary>
/// A benchmark that measures running apps its runner script starts: skipped (and reported as skipped, not passed) unless
/// every one of the <c>environment</c> variables is set, as the script sets them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute(string script, params string[] environment)
    {
        var missing = environment.Where(e => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(e))).ToList();
        if (missing.Count > 0) Skip = $"a benchmark of running apps: {script} sets {string.Join(", ", missing)}";
    }
}
