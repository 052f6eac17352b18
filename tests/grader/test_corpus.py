"""End to end, through the sandboxed child: solutions/ get full marks, untouched exercises/
get 0 with "not implemented", and every corpus submission loses points exactly on the
questions it breaks (tests/grader/corpus/README.md describes the headers)."""

from __future__ import annotations

import pytest

from grader.config import DEFAULT_POINTS, QUESTION_IDS
from grader.results import Status

from .corpus_tools import CORPUS_ENTRIES

pytestmark = pytest.mark.slow  # one grading run for the session: about a minute on 2 cores


def test_solutions_get_full_marks_bonus_included(graded):
    """Does solutions/ earn every point of every question, with no warning but the .py/.ipynb
    choice?"""
    result = graded["solutions"]
    assert {q.question_id: q.points_earned for q in result.questions} == {
        q: float(DEFAULT_POINTS[q]) for q in QUESTION_IDS
    }
    assert result.score == 22 and result.max_score == 21
    assert result.load_error is None


def test_untouched_exercises_get_zero_and_say_not_implemented(graded):
    """Do the exercise stubs get 0 on every question, each saying "not implemented"?"""
    result = graded["exercises"]
    assert result.score == 0
    assert [q.status for q in result.questions] == [Status.NOT_IMPLEMENTED] * len(QUESTION_IDS)
    assert all("not implemented" in q.message for q in result.questions)


def test_corpus_has_two_wrong_submissions_per_question():
    """Does the corpus hold at least two wrong answers (not hostile) for every question?"""
    wrong = [e for e in CORPUS_ENTRIES if e.wrong_answer]
    for qid in QUESTION_IDS:
        assert sum(qid in e.breaks for e in wrong) >= 2, qid


@pytest.mark.parametrize("entry", CORPUS_ENTRIES, ids=lambda e: e.name)
def test_corpus_entry_loses_points_only_where_it_breaks(graded, entry):
    """Does this submission lose points on the questions it breaks, and only there, with the
    expected status and hint?"""
    result = graded[entry.name]
    for question in result.questions:
        qid = question.question_id
        if qid not in entry.questions:
            assert question.status == Status.NOT_RUN
        elif qid in entry.breaks:
            assert question.points_earned < question.points_possible, qid
            assert question.status == entry.status, (qid, question.message)
        else:
            assert question.points_earned == question.points_possible, (qid, question.output_text())
    if entry.hint:
        hints = " | ".join(result.question(entry.breaks[0]).hints).lower()
        assert entry.hint.strip().lower() in hints


def test_every_lost_point_says_got_and_expected(graded):
    """Does every check that lost points in a wrong answer carry a message and a hint?"""
    for entry in CORPUS_ENTRIES:
        if entry.status != "graded" or not entry.breaks:
            continue
        for qid in entry.breaks:
            for check in graded[entry.name].question(qid).checks:
                if not check.passed:
                    assert check.message, (entry.name, check.name)
                    assert check.hint, (entry.name, check.name)


def test_integrity_message_names_the_reference(graded):
    """Does a question answered with tp_ae's reference say so, naming the reference?"""
    question = graded["integrity_direct_import"].question("kl_divergence")
    assert question.points_earned == 0
    assert "tp_ae.losses.kl_divergence" in question.message
    assert "own code" in question.message


CORRECT_VARIANTS = [e for e in CORPUS_ENTRIES if e.name.startswith("correct_")]


def test_corpus_has_correct_but_different_variants():
    """Does the corpus hold correct answers written differently from the reference (own VAE
    classes, Lambda sampler, Sequential, activation= forms)?"""
    assert len(CORRECT_VARIANTS) >= 3
    assert all(not e.breaks and not e.hint for e in CORRECT_VARIANTS)


@pytest.mark.slow
@pytest.mark.parametrize("entry", CORRECT_VARIANTS, ids=lambda e: e.name)
def test_correct_variant_gets_full_marks_and_no_hint(graded, entry):
    """Does a correct answer written another way earn every point of every question graded, with
    no hint at all (a hint is a claim of a mistake)?"""
    result = graded[entry.name]
    graded_questions = [q for q in result.questions if q.question_id in entry.questions]
    assert graded_questions
    for question in graded_questions:
        assert question.points_earned == question.points_possible, question.output_text()
        assert question.hints == [], (question.question_id, question.hints)
