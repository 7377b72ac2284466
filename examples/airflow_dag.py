"""An Airflow DAG that monitors each week's production batch with the auditor.

Copy it into your DAGs folder and adjust the paths. ``auditor monitor`` exits 0 when nothing
alerts, 1 on an alert (a failing drift finding, a missing batch), 2 on an input error and 3 on
insufficient evidence under ``--strict``; Airflow fails the task on any non-zero exit code, so an
alert shows as a failed task and triggers your ``on_failure_callback`` / e-mail alert. The batch
id is the logical date, and the attempt is Airflow's try number, so a retry is recorded as a new
attempt and a rerun of a recorded attempt changes nothing (runs are idempotent per
``(batch id, attempt)``). The auditor works offline and sends nothing anywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

SPEC = "/srv/auditor/benefits/audit.yaml"            # with a monitoring: section
BATCH = "/srv/exports/benefits/{{ ds }}.parquet"      # the week's scored applications
LABELS = "/srv/exports/benefits/labels-{{ macros.ds_add(ds, -84) }}.csv"  # outcomes known 12 weeks later

with DAG(
    dag_id="auditor_monitoring_benefits",
    schedule="0 6 * * 1",                  # Mondays 06:00; set monitoring.expected_every_days: 7 to match
    start_date=datetime(2026, 1, 5),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=30)},
    tags=["ai-act", "monitoring"],
) as dag:
    monitor = BashOperator(
        task_id="monitor_batch",
        bash_command=(f"auditor monitor {SPEC} --batch {BATCH} --batch-id {{{{ ds }}}} "
                      "--attempt {{ ti.try_number }} --batch-time {{ ds }} --quiet"),
    )
    backfill_labels = BashOperator(
        task_id="backfill_labels",
        bash_command=(f"auditor monitor {SPEC} --batch /srv/exports/benefits/{{{{ macros.ds_add(ds, -84) }}}}.parquet "
                      f"--batch-id {{{{ macros.ds_add(ds, -84) }}}} --labels {LABELS} --quiet"),
        trigger_rule="all_done",           # judge the labels even when this week's batch alerted
    )
    trend = BashOperator(
        task_id="trend_page",
        bash_command=f"auditor history --spec {SPEC} --out /srv/reports/benefits/trend.html --lang nl "
                     f"&& auditor history verify --spec {SPEC}",
        trigger_rule="all_done",
    )
    monitor >> backfill_labels >> trend
