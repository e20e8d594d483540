{{/* Names: the release's full name is kept to 40 characters so that suffixes such as
     "-worker-<pool>" (pool names have at most 15) stay within the 63 of a DNS label. */}}
{{- define "lrsweep.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "lrsweep.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "lrsweep.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "lrsweep.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: lrsweep
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "worker"). */}}
{{- define "lrsweep.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lrsweep.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "lrsweep.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "lrsweep.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A pool's settings: workers.defaults overlaid with the pool's own keys. Call with (dict "root" $ "pool" $p). */}}
{{- define "lrsweep.pool" -}}
{{- mergeOverwrite (deepCopy .root.Values.workers.defaults) (deepCopy (default dict .pool)) | toYaml -}}
{{- end -}}

{{/* The worker image of a pool (as returned by lrsweep.pool); GPU pools get the CUDA flavour. */}}
{{- define "lrsweep.workerImage" -}}
{{- $root := .root -}}
{{- $p := .pool -}}
{{- $repository := $root.Values.image.repository -}}
{{- $tag := default $root.Chart.AppVersion $root.Values.image.tag -}}
{{- if gt (int $p.gpus) 0 -}}{{- $tag = printf "%s%s" $tag $root.Values.image.gpuTagSuffix -}}{{- end -}}
{{- with $p.image -}}
{{- $repository = default $repository .repository -}}
{{- $tag = default $tag .tag -}}
{{- end -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{/* The image of the registration hook: the CPU worker image. */}}
{{- define "lrsweep.registerImage" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Where workers and the hook reach Conductor. */}}
{{- define "lrsweep.conductorUrl" -}}
{{- if .Values.conductor.url -}}
{{- .Values.conductor.url | trimSuffix "/" -}}
{{- else -}}
{{- printf "http://%s-conductor:%d" (include "lrsweep.fullname" .) (int .Values.conductor.server.port) -}}
{{- end -}}
{{- end -}}

{{/* The store URI of the workers. */}}
{{- define "lrsweep.storeUri" -}}
{{- $prefix := .Values.s3.prefix | trimAll "/" -}}
{{- if $prefix -}}s3://{{ .Values.s3.bucket }}/{{ $prefix }}{{- else -}}s3://{{ .Values.s3.bucket }}{{- end -}}
{{- end -}}

{{/* Pod-level security settings of every lrsweep pod. */}}
{{- define "lrsweep.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsGroup }}
fsGroup: {{ .Values.podSecurity.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security settings of every container. */}}
{{- define "lrsweep.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The S3 settings and credentials every worker container gets; credentials only as secretKeyRef. */}}
{{- define "lrsweep.storeEnv" -}}
- name: LRSWEEP_STORE
  value: {{ include "lrsweep.storeUri" . | quote }}
{{- with .Values.s3.endpoint }}
- name: LRSWEEP_S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: LRSWEEP_S3_REGION
  value: {{ .Values.s3.region | quote }}
- name: LRSWEEP_S3_PATH_STYLE
  value: {{ .Values.s3.pathStyle | quote }}
- name: LRSWEEP_S3_CREATE_BUCKET
  value: {{ .Values.s3.createBucket | quote }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ .Values.s3.existingSecret }}
      key: {{ .Values.s3.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.s3.existingSecret }}
      key: {{ .Values.s3.secretAccessKeyKey }}
{{- end -}}
