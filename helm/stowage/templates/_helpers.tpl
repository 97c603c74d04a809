{{/* Names, labels, the settings of each component, and the checks of the values. */}}

{{- define "stowage.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-stowage, or the release name when it already contains the chart name. Leaves room
     for the component suffixes (-server, -ingest) within the 63 characters of a name. */}}
{{- define "stowage.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 55 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 55 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 55 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "stowage.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object; call with (dict "ctx" $ "component" "server"). */}}
{{- define "stowage.labels" -}}
helm.sh/chart: {{ include "stowage.chart" .ctx }}
{{ include "stowage.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: stowage
{{- end }}

{{- define "stowage.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stowage.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{- define "stowage.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "stowage.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "stowage.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The server's address as the worker calls it: the name its TLS certificate must carry. */}}
{{- define "stowage.serverAddress" -}}
{{- if .Values.ingest.server }}
{{- .Values.ingest.server }}
{{- else }}
{{- printf "%s-server.%s.svc:%v" (include "stowage.fullname" .) .Release.Namespace .Values.server.service.grpcPort }}
{{- end }}
{{- end }}

{{/* Settings of the server as environment variables (YAML): first-class values, then config.server.
     Empty values are left out, so that the server's own default applies. */}}
{{- define "stowage.serverConfig" -}}
{{- $v := .Values }}
{{- $c := dict
  "STOWAGE_DB_URL" $v.database.url
  "STOWAGE_DB_USER" $v.database.user
  "STOWAGE_DB_SCHEMA" $v.database.schema
  "STOWAGE_S3_BUCKET" $v.s3.bucket
  "STOWAGE_S3_PREFIX" $v.s3.prefix
  "STOWAGE_S3_REGION" $v.s3.region
  "STOWAGE_S3_ENDPOINT" $v.s3.endpoint
  "STOWAGE_S3_PATH_STYLE" (toString $v.s3.pathStyle)
  "STOWAGE_RETENTION" $v.server.retention
  "STOWAGE_LOG_LEVEL" $v.logLevel
}}
{{- include "stowage.envMap" (mustMergeOverwrite $c $v.config.server) }}
{{- end }}

{{- define "stowage.ingestConfig" -}}
{{- $v := .Values }}
{{- $c := dict
  "KAFKA_BOOTSTRAP_SERVERS" $v.kafka.bootstrapServers
  "KAFKA_SECURITY_PROTOCOL" $v.kafka.securityProtocol
  "KAFKA_SASL_MECHANISM" $v.kafka.sasl.mechanism
  "STOWAGE_TOPICS" $v.ingest.topics
  "STOWAGE_VETO" $v.ingest.veto
  "STOWAGE_GROUP_ID" $v.ingest.groupId
  "STOWAGE_SERVER" (include "stowage.serverAddress" .)
  "STOWAGE_LOG_LEVEL" $v.logLevel
}}
{{- include "stowage.envMap" (mustMergeOverwrite $c $v.config.ingest) }}
{{- end }}

{{/* A map of variables as ConfigMap data: values quoted as strings, empty ones left out. */}}
{{- define "stowage.envMap" -}}
{{- range $k, $val := . }}
{{- /* Helm reads numbers in values as floats: print whole ones as such, never as 1e+06 */}}
{{- $s := kindIs "float64" $val | ternary (int64 $val | toString) (toString $val) }}
{{- if ne $s "" }}
{{ $k }}: {{ $s | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Fails the rendering, with what to set, when the values cannot make a working installation.
     (helm lint does not fail on these: it renders the chart's bare defaults.) */}}
{{- define "stowage.validate" -}}
{{- $server := include "stowage.serverConfig" . | fromYaml }}
{{- if not $server.STOWAGE_DB_URL }}
{{- fail "\n\nstowage: set database.url to the JDBC URL of an external PostgreSQL (e.g. jdbc:postgresql://postgres:5432/stowage), and database.existingSecret to the Secret holding its password. The embedded PostgreSQL of `stowage server` is for one machine only: the server's replicas must share one index." }}
{{- end }}
{{- if not $server.STOWAGE_S3_BUCKET }}
{{- fail "\n\nstowage: set s3.bucket to the S3 bucket for the segments (and s3.endpoint for an S3-compatible server). Segment files in a local directory are for one machine only: the server's replicas must share one store." }}
{{- end }}
{{- if .Values.ingest.enabled }}
{{- $ingest := include "stowage.ingestConfig" . | fromYaml }}
{{- if not $ingest.KAFKA_BOOTSTRAP_SERVERS }}
{{- fail "\n\nstowage: set kafka.bootstrapServers to the Kafka brokers to archive (e.g. kafka.example.org:9092), or ingest.enabled=false to install the api-server alone." }}
{{- end }}
{{- if and .Values.auth.tokens.existingSecret (not .Values.auth.ingestToken.existingSecret) }}
{{- fail "\n\nstowage: auth.tokens.existingSecret makes the server require a token, so the ingest worker needs one: set auth.ingestToken.existingSecret (and auth.ingestToken.key) to the Secret holding it." }}
{{- end }}
{{- end }}
{{- $secretSettings := dict
  "STOWAGE_DB_PASSWORD" "database.existingSecret"
  "AWS_ACCESS_KEY_ID" "s3.existingSecret (or an IAM role)"
  "AWS_SECRET_ACCESS_KEY" "s3.existingSecret (or an IAM role)"
  "KAFKA_SASL_JAAS_CONFIG" "kafka.sasl.existingSecret"
  "STOWAGE_TOKEN" "auth.ingestToken.existingSecret"
  "STOWAGE_TOKENS_FILE" "auth.tokens.existingSecret"
}}
{{- range $component := list "server" "ingest" }}
{{- range $name, $_ := index $.Values.config $component }}
{{- $instead := get $secretSettings $name }}
{{- if and (not $instead) (regexMatch "PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL" $name) }}
{{- $instead = printf "%s.extraEnv with valueFrom.secretKeyRef" $component }}
{{- end }}
{{- with $instead }}
{{- fail (printf "\n\nstowage: config.%s.%s would put a secret into a ConfigMap: use %s instead." $component $name .) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) }}
{{- fail "\n\nstowage: tls.enabled needs tls.existingSecret: the Secret with the server's certificate and key (e.g. a kubernetes.io/tls Secret from cert-manager)." }}
{{- end }}
{{- if and .Values.tls.clientCa.existingSecret (not .Values.tls.enabled) }}
{{- fail "\n\nstowage: tls.clientCa (mutual TLS) needs tls.enabled=true and tls.existingSecret." }}
{{- end }}
{{- if and .Values.tls.clientCa.existingSecret .Values.ingest.enabled (not .Values.tls.ingestClientCert.existingSecret) }}
{{- fail "\n\nstowage: tls.clientCa makes the server require client certificates, so the ingest worker needs one: set tls.ingestClientCert.existingSecret to the Secret holding its certificate and key." }}
{{- end }}
{{- end }}

{{/* Security context, temporary directory and image pull settings common to both pods. */}}
{{- define "stowage.podSecurity" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
serviceAccountName: {{ include "stowage.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Scheduling of one component; call with its values (.Values.server or .Values.ingest). */}}
{{- define "stowage.scheduling" -}}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* An env entry read from a Secret; call with (list "NAME" "secret" "key"). */}}
{{- define "stowage.secretEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 | quote }}
      key: {{ index . 2 | quote }}
{{- end }}
