namespace Backstage.Web.Privacy;

/// <summary>Backstage:Privacy — what erasing a reader keeps.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Backstage:Privacy";

    /// <summary>
    /// A deleted reader's comments stay in their threads as "a former reader" (replies keep their context); with this
    /// false (the default) their text is removed too, with it true the text stays.
    /// </summary>
    public bool KeepDeletedReadersCommentText { get; set; }
}
