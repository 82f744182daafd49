using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Backstage.Web.Accounts;

/// <summary>
/// Refuses guessable passwords for every way a password is set (registration, reset, change, admin and CLI creation):
/// anything on the bundled list of the 10,000 most common passwords, and anything the zxcvbn estimator scores below 3
/// ("safely unguessable" against an online attack is 3; 0–2 fall to a throttled attacker or an offline one in hours).
/// The estimator also gets the email and display name, so "nadia-nadia-2025" for Nadia scores as weak.
/// </summary>
public sealed class PasswordStrength : IPasswordValidator<AppUser>
{
    public const int MinimumScore = 3;
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var problem = Check(password ?? "", user.Email, user.DisplayName);
        return Task.FromResult(problem is null ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "WeakPassword", Description = problem }));
    }

    /// <summary>null when the password is strong enough, else a message that says how to do better.</summary>
    public static string? Check(string password, params string?[] personal)
    {
        const string advice = "Try three or four unrelated words, e.g. a phrase only you would think of.";
        if (Common.Value.Contains(password.ToLowerInvariant()))
            return "That password is one of the most common passwords, so it is among the first an attacker tries. " + advice;
        var inputs = personal.Where(p => !string.IsNullOrWhiteSpace(p))
            .SelectMany(p => p!.Split(['@', '.', ' ', '-', '_'], StringSplitOptions.RemoveEmptyEntries)).ToList();
        var result = Zxcvbn.Zxcvbn.MatchPassword(password, inputs);
        if (result.Score >= MinimumScore) return null;
        return $"That password is too easy to guess (it would be cracked in about {result.CrackTimeDisplay}): "
               + "repeated characters, sequences, keyboard patterns, years, names and common words are tried first. " + advice;
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Backstage.Web.Accounts.common-passwords.txt")
                           ?? throw new InvalidOperationException("the common-password list is missing from the build");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) set.Add(line.Trim().ToLowerInvariant());
        return set;
    }
}
