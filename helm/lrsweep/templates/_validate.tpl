{{/* Refusals that a JSON schema cannot say well: each names the value and says what to do. */}}
{{- define "lrsweep.validate" -}}
{{- $c := .Values.conductor -}}
{{- if and (not $c.url) (not $c.server.enabled) -}}
{{- fail "conductor: no Conductor server. Set conductor.url to an existing server (e.g. http://conductor-server.conductor:8080) or conductor.server.enabled=true for the chart's own server on PostgreSQL." -}}
{{- end -}}
{{- if and $c.url $c.server.enabled -}}
{{- fail (printf "conductor.url (%s) and conductor.server.enabled are both set: use the existing server or the chart's own, not both." $c.url) -}}
{{- end -}}
{{- if $c.server.enabled -}}
{{- if not $c.postgres.existingSecret -}}
{{- fail "conductor.postgres.existingSecret is required with conductor.server.enabled: the name of a Secret holding the database login (keys conductor.postgres.usernameKey and passwordKey). Create it with: kubectl create secret generic conductor-postgres --from-literal=username=conductor --from-literal=password=…" -}}
{{- end -}}
{{- if and (not $c.postgres.host) (not $c.devPostgres.enabled) -}}
{{- fail "conductor.postgres.host is empty: give the host of your PostgreSQL, or set conductor.devPostgres.enabled=true for a development-only database in this release." -}}
{{- end -}}
{{- if and $c.postgres.host $c.devPostgres.enabled -}}
{{- fail (printf "conductor.postgres.host (%s) and conductor.devPostgres.enabled are both set: use your PostgreSQL or the development one, not both." $c.postgres.host) -}}
{{- end -}}
{{- else if $c.devPostgres.enabled -}}
{{- fail "conductor.devPostgres.enabled needs conductor.server.enabled: the development database only serves the chart's own Conductor server." -}}
{{- end -}}
{{- if not .Values.s3.bucket -}}
{{- fail "s3.bucket is required: the bucket of the artifact store (MinIO or any S3) where every checkpoint and report goes." -}}
{{- end -}}
{{- if not .Values.s3.existingSecret -}}
{{- fail "s3.existingSecret is required: the name of a Secret with the S3 access key pair (keys s3.accessKeyIdKey and s3.secretAccessKeyKey). Create it with: kubectl create secret generic lrsweep-s3 --from-literal=accessKeyId=… --from-literal=secretAccessKey=…" -}}
{{- end -}}
{{- range $name, $pool := .Values.workers.pools -}}
{{- $p := include "lrsweep.pool" (dict "root" $ "pool" $pool) | fromYaml -}}
{{- $where := printf "workers.pools.%s" $name -}}
{{- range $kind, $list := (default dict $p.resources) -}}
{{- if hasKey (default dict $list) "nvidia.com/gpu" -}}
{{- fail (printf "%s.resources.%s sets nvidia.com/gpu: set %s.gpus instead, so that GPU requests and limits stay equal and the pool gets the CUDA image." $where $kind $where) -}}
{{- end -}}
{{- end -}}
{{- if and (eq $p.domain "gpu") (eq (int $p.gpus) 0) -}}
{{- fail (printf "%s polls the task domain \"gpu\" but has no GPU limit (%s.gpus is 0): image stages routed to the gpu domain would train on the CPU. Set %s.gpus: 1 (or more), or poll another domain." $where $where $where) -}}
{{- end -}}
{{- if $p.enabled -}}
{{- if not (and $p.resources $p.resources.limits (index $p.resources.limits "memory")) -}}
{{- fail (printf "%s.resources.limits.memory is required: the JVM's heap is sized from it (javaMaxRamPercentage) and a pod without a memory limit can starve its node." $where) -}}
{{- end -}}
{{- if and (gt (int $p.gpus) 0) (gt (int $p.parallel) 1) -}}
{{- fail (printf "%s.parallel is %d but the pool has GPUs: one training stage per process uses the GPU (DJL's gradient collector is per process); scale with replicas instead." $where (int $p.parallel)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
