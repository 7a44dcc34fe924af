"""URLs of the warning system, mounted under /w/<ws>/warning/ (see kaifang/urls.py). Pages have .json twins."""

from django.urls import path

from kaifang.warning import views, views_actions

app_name = "warning"
urlpatterns = [
    path("", views.board, name="board"),
    path("board.json", views.board, {"fmt": "json"}, name="board-json"),
    path("index/", views.index, name="index"),
    path("index.json", views.index, {"fmt": "json"}, name="index-json"),
    path("index/run/", views_actions.index_run, name="index-run"),
    path("evaluate/", views_actions.evaluate_now, name="evaluate"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts.json", views.alerts, {"fmt": "json"}, name="alerts-json"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
    path("alerts/<int:pk>.json", views.alert, {"fmt": "json"}, name="alert-json"),
    path("alerts/<int:pk>/act/", views_actions.alert_act, name="alert-act"),
    path("tasks/<int:pk>/done/", views_actions.task_done, name="task-done"),
    path("backtest/", views.backtest, name="backtest"),
    path("backtest.json", views.backtest, {"fmt": "json"}, name="backtest-json"),
    path("rules/", views.rules, name="rules"),
    path("rules.json", views.rules, {"fmt": "json"}, name="rules-json"),
    path("rules/<int:pk>/", views_actions.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/calibrate/", views_actions.rule_calibrate, name="rule-calibrate"),
    path("silences/", views.silences, name="silences"),
    path("silences.json", views.silences, {"fmt": "json"}, name="silences-json"),
    path("silences/new/", views_actions.silence_create, name="silence-create"),
    path("silences/<int:pk>/expire/", views_actions.silence_expire, name="silence-expire"),
    path("plans/", views.plans, name="plans"),
    path("plans.json", views.plans, {"fmt": "json"}, name="plans-json"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox.json", views.inbox, {"fmt": "json"}, name="inbox-json"),
    path("inbox/read/", views_actions.inbox_read, name="inbox-read"),
    path("preferences/", views_actions.preferences, name="preferences"),
]
