"""``feedback.md``: what a student reads about one submission, made from its result."""

from __future__ import annotations

from grader.results import STATUS_WORDS, Status, SubmissionResult, format_points


def feedback_markdown(result: SubmissionResult) -> str:
    """The student's feedback: a table of points, then per question what was checked, what
    failed ("got ..., expected ...") and a hint."""
    lines = [f"# Feedback: {result.name}", ""]
    bonus = [q for q in result.questions if q.bonus]
    score_line = f"**Score: {format_points(result.score)} / {format_points(result.max_score)}**"
    if bonus:
        names = ", ".join(q.question_id for q in bonus)
        score_line += f" (bonus {names} counts in the score, not in the maximum)"
    not_run = [q for q in result.questions if q.status == Status.NOT_RUN]
    if not_run:
        checked = sum(
            q.points_possible for q in result.questions if q not in not_run and not q.bonus
        )
        score_line += (
            f"; on the questions checked here: {format_points(result.score)} / "
            f"{format_points(checked)} ({len(not_run)} not run: see each one's note)"
        )
    lines += [score_line, ""]
    if result.load_error:
        lines += [f"> Could not load: {result.load_error}", ""]
    for warning in result.warnings:
        lines += [f"> Warning: {warning}", ""]
    if result.grader_error:
        lines += [
            "> The autograder failed on this submission; your instructor has the details.",
            "",
        ]
    lines += ["| question | points | note |", "| --- | --- | --- |"]
    for q in result.questions:
        note = STATUS_WORDS.get(q.status, str(q.status))
        if q.status == Status.GRADED:
            failed = sum(1 for c in q.checks if not c.passed)
            note = "all checks passed" if failed == 0 else f"{failed} check(s) lost points"
        if q.visibility != "visible":
            note += f" (Gradescope: {q.visibility})"
        shown = "-" if q.status == Status.NOT_RUN else format_points(q.points_earned)
        lines.append(f"| {q.question_id} | {shown} / {format_points(q.points_possible)} | {note} |")
    lines.append("")
    for q in result.questions:
        shown = "not run" if q.status == Status.NOT_RUN else format_points(q.points_earned)
        title = f"## {q.question_id}: {shown} / {format_points(q.points_possible)}"
        lines += [title + (" (bonus)" if q.bonus else ""), ""]
        if q.message:
            lines += [q.message, ""]
        if not q.checks:
            lines += [f"What is checked: {what_is_checked(q.question_id)}", ""]
        for check in q.checks:
            mark = "x" if check.passed else " "
            lost_points = q.points_possible * check.weight * (1 - check.fraction)
            lost = "" if check.passed else f" (lost {format_points(lost_points)} pt)"
            lines.append(f"- [{mark}] {check.name}{lost}")
            if check.message:
                lines.append(f"  - {check.message}")
            if check.hint and not check.passed:
                lines.append(f"  - hint: {check.hint}")
        lines.append("")
    return "\n".join(lines)


def what_is_checked(question_id: str) -> str:
    """The check module's description (its docstring after the first line), on one line."""
    from grader.checks import check_module

    try:
        doc = check_module(question_id).__doc__ or ""
    except KeyError:  # a written question, or a course's own check
        return "see your instructor's checks"
    paragraphs = [p for p in doc.strip().split("\n\n")[1:] if p.strip()]
    text = " ".join(paragraphs[0].split()) if paragraphs else ""
    return text.replace("``", "`")
