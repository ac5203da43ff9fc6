{{/*
One of the four services: Deployment and Service. Called with (dict "root" $ "name" "embed" "cfg" .Values.embed).
*/}}
{{- define "rag.serviceWorkload" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $cfg := .cfg -}}
{{- $full := printf "%s-%s" (include "rag.fullname" $root) $name -}}
{{- $gpu := and (eq $name "embed") $root.Values.embed.gpu.enabled -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $full }}
  labels:
    {{- include "rag.labels" $root | nindent 4 }}
    {{- include "rag.selector" (dict "root" $root "name" $name) | nindent 4 }}
spec:
  {{- if not (or $cfg.autoscaling.enabled (and $root.Values.keda.enabled (has $name (list "embed" "retrieve")))) }}
  replicas: {{ $cfg.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "rag.selector" (dict "root" $root "name" $name) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "rag.labels" $root | nindent 8 }}
        {{- include "rag.selector" (dict "root" $root "name" $name) | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    spec:
      automountServiceAccountToken: false
      {{- include "rag.podSecurity" (dict "uid" 185) | nindent 6 }}
      {{- with $root.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $root.Values.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ $root.Values.topologySpread.maxSkew }}
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "rag.selector" (dict "root" $root "name" $name) | nindent 14 }}
        - maxSkew: {{ $root.Values.topologySpread.maxSkew }}
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "rag.selector" (dict "root" $root "name" $name) | nindent 14 }}
      {{- end }}
      {{- if eq $name "embed" }}
      {{- with $root.Values.embed.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.embed.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.embed.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      containers:
        - name: {{ $name }}
          image: {{ include "rag.image" (dict "root" $root "name" (printf "%s-service" $name) "suffix" (ternary $root.Values.embed.gpu.imageSuffix "" $gpu)) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $cfg.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "rag.fullname" $root }}-config
          env:
            - name: QUARKUS_HTTP_PORT
              value: {{ $cfg.port | quote }}
            - name: JAVA_TOOL_OPTIONS
              value: {{ printf "%s -Djava.io.tmpdir=/tmp" $cfg.javaOpts | quote }}
            - name: DJL_CACHE_DIR
              value: /tmp/djl
            - name: HOME
              value: /tmp
            {{- if eq $name "ingest" }}
            - name: RAG_STATUS_STATE_DIR
              value: /var/lib/rag/status
            {{- end }}
            {{- $kafkaSecurity := $root.Values.kafka.external.security }}
            {{- if and $kafkaSecurity.enabled (has $name (list "ingest" "embed" "retrieve")) }}
            # This service's own principal on the secured cluster.
            - name: KAFKA_SECURITY_PROTOCOL
              value: SASL_SSL
            - name: KAFKA_SASL_MECHANISM
              value: {{ $kafkaSecurity.mechanism | quote }}
            - name: KAFKA_SASL_JAAS_CONFIG
              valueFrom:
                secretKeyRef:
                  name: {{ get $kafkaSecurity.users $name }}
                  key: sasl.jaas.config
            {{- if $kafkaSecurity.caSecret }}
            - name: KAFKA_SSL_TRUSTSTORE_TYPE
              value: PEM
            - name: KAFKA_SSL_TRUSTSTORE_LOCATION
              value: /etc/rag/kafka-ca/{{ $kafkaSecurity.caKey }}
            {{- end }}
            {{- end }}
            {{- if and (eq $name "retrieve") $root.Values.qdrant.external.tls $root.Values.qdrant.external.caSecret (not $root.Values.qdrant.enabled) }}
            - name: RETRIEVE_QDRANT_CA_CERTIFICATE
              value: /etc/rag/qdrant-ca/{{ $root.Values.qdrant.external.caKey }}
            {{- end }}
            {{- if eq $name "retrieve" }}
            - name: RETRIEVE_QDRANT_API_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ include "rag.secretName" $root }}
                  key: qdrant-api-key
                  optional: true
            {{- end }}
            {{- if and (eq $name "embed") (eq $root.Values.embed.backend "remote") }}
            - name: EMBED_REMOTE_API_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ include "rag.secretName" $root }}
                  key: embed-api-key
                  optional: true
            {{- end }}
            {{- if eq $name "generate" }}
            - name: GENERATE_LLM_API_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ include "rag.secretName" $root }}
                  key: llm-api-key
                  optional: true
            {{- end }}
            {{- if $root.Values.auth.enabled }}
            - name: RAG_AUTH_ENABLED
              value: "true"
            - name: RAG_AUTH_KEYS_FILE
              value: {{ ternary "/etc/rag/auth/keys" "/etc/rag/auth/service-keys,/etc/rag/auth/people-keys" (not (empty $root.Values.auth.existingSecret)) }}
            {{- if has $name (list "generate" "retrieve" "ingest") }}
            # Only the services that call another hold a key of their own.
            - name: RAG_AUTH_SERVICE_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ include "rag.serviceKeySecretName" $root }}
                  key: {{ $name }}-service-key
            {{- end }}
            {{- else }}
            - name: RAG_AUTH_ENABLED
              value: "false"
            {{- end }}
            {{- with $cfg.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "rag.containerSecurity" $root | nindent 10 }}
          startupProbe:
            grpc:
              port: {{ $cfg.port }}
            periodSeconds: 5
            failureThreshold: 60
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- $resources := deepCopy $cfg.resources }}
            {{- if $gpu }}
            {{- $limits := default dict $resources.limits }}
            {{- $_ := set $limits $root.Values.embed.gpu.resourceName $root.Values.embed.gpu.count }}
            {{- $_ := set $resources "limits" $limits }}
            {{- end }}
            {{- toYaml $resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if eq $name "ingest" }}
            - name: status
              mountPath: /var/lib/rag/status
            {{- end }}
            {{- if $root.Values.auth.enabled }}
            - name: auth
              mountPath: /etc/rag/auth
              readOnly: true
            {{- end }}
            {{- if and $root.Values.kafka.external.security.enabled $root.Values.kafka.external.security.caSecret (has $name (list "ingest" "embed" "retrieve")) }}
            - name: kafka-ca
              mountPath: /etc/rag/kafka-ca
              readOnly: true
            {{- end }}
            {{- if and (eq $name "retrieve") $root.Values.qdrant.external.tls $root.Values.qdrant.external.caSecret (not $root.Values.qdrant.enabled) }}
            - name: qdrant-ca
              mountPath: /etc/rag/qdrant-ca
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 1Gi
        {{- if eq $name "ingest" }}
        - name: status
          emptyDir:
            sizeLimit: {{ $root.Values.ingest.statusStore.sizeLimit }}
        {{- end }}
        {{- if $root.Values.auth.enabled }}
        - name: auth
          {{- if $root.Values.auth.existingSecret }}
          secret:
            secretName: {{ $root.Values.auth.existingSecret }}
            items:
              - key: keys
                path: keys
          {{- else }}
          projected:
            sources:
              # The services' keys this one accepts: its callers' only.
              - secret:
                  name: {{ include "rag.serviceKeySecretName" $root }}
                  items:
                    - key: {{ get (dict "retrieve" "retrieve-keys" "embed" "embed-keys" "ingest" "ingest-keys") $name | default "edge-keys" }}
                      path: service-keys
              - secret:
                  name: {{ include "rag.authSecretName" $root }}
                  items:
                    - key: keys
                      path: people-keys
          {{- end }}
        {{- end }}
        {{- if and $root.Values.kafka.external.security.enabled $root.Values.kafka.external.security.caSecret (has $name (list "ingest" "embed" "retrieve")) }}
        - name: kafka-ca
          secret:
            secretName: {{ $root.Values.kafka.external.security.caSecret }}
            items:
              - key: {{ $root.Values.kafka.external.security.caKey }}
                path: {{ $root.Values.kafka.external.security.caKey }}
        {{- end }}
        {{- if and (eq $name "retrieve") $root.Values.qdrant.external.tls $root.Values.qdrant.external.caSecret (not $root.Values.qdrant.enabled) }}
        - name: qdrant-ca
          secret:
            secretName: {{ $root.Values.qdrant.external.caSecret }}
            items:
              - key: {{ $root.Values.qdrant.external.caKey }}
                path: {{ $root.Values.qdrant.external.caKey }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $full }}
  labels:
    {{- include "rag.labels" $root | nindent 4 }}
    {{- include "rag.selector" (dict "root" $root "name" $name) | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "rag.selector" (dict "root" $root "name" $name) | nindent 4 }}
  ports:
    - name: http
      port: {{ $cfg.port }}
      targetPort: http
      protocol: TCP
      appProtocol: http
{{- end -}}
