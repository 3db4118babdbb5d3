"""Inlet in Airflow: one task per shard, each running `inlet run --all --shard I/N`, so N workers
split one inlet.yaml with no coordination (README "Scale-out"). N is the Airflow Variable
`inlet_shards` (default 4), read when the DAG file is parsed: changing it changes the tasks.

The workers need the `inlet` binary on their PATH, the config at INLET_CONFIG, and the store's
credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...) in their environment or a `.env`
in the task's working directory; never put them in the DAG. On Kubernetes, the commented
KubernetesPodOperator below runs each shard in a pod of its own instead.

Exit codes (README "Exit codes"): 2 config, a busy dataset or a Delta commit that lost to a
conflicting writer, 3 bad input data, 4 a remote service or the store failed. A retry helps
with 4 and the busy or conflicting 2s; it reruns all of the shard's pipelines, each of which
publishes whole or not at all.
"""
import datetime as dt

try:                                   # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG, Variable
except ImportError:                    # Airflow 2
    from airflow import DAG
    from airflow.models import Variable
    from airflow.operators.bash import BashOperator

CONFIG = "/opt/inlet/inlet.yaml"
SHARDS = int(Variable.get("inlet_shards", 4))   # the default positionally: Airflow 2 calls it default_var, 3 default

with DAG(
    dag_id="inlet_load",
    schedule="0 * * * *",              # hourly
    start_date=dt.datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,                 # a run's shards finish before the next run's start
    default_args={"retries": 2, "retry_delay": dt.timedelta(minutes=2)},
    tags=["inlet"],
) as dag:
    for index in range(SHARDS):
        BashOperator(
            task_id=f"shard_{index}_of_{SHARDS}",
            bash_command=f"inlet run --all --shard {index}/{SHARDS} --config {CONFIG} --json",
            env={"INLET_BUILD": "airflow"},
            append_env=True,           # keep the worker's AWS_* / PG* variables
        )

# The same on Kubernetes, one pod per shard (apache-airflow-providers-cncf-kubernetes):
#
# from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
# from kubernetes.client import models as k8s
#     KubernetesPodOperator(
#         task_id=f"shard_{index}_of_{SHARDS}",
#         image="registry.example.com/inlet:latest",
#         arguments=["inlet", "run", "--all", "--shard", f"{index}/{SHARDS}", "--config", "/etc/inlet/inlet.yaml"],
#         env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name="inlet-s3"))],
#         volumes=[k8s.V1Volume(name="config", config_map=k8s.V1ConfigMapVolumeSource(name="inlet-config"))],
#         volume_mounts=[k8s.V1VolumeMount(name="config", mount_path="/etc/inlet", read_only=True)],
#     )
