{{/* The `helm test` Pod that waits for the Service to answer readiness. */}}
{{- define "platform-lib.test-readiness" -}}
---
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "platform-lib.fullname" . }}-test-readiness
  namespace: {{ .Release.Namespace }}
  labels:
    {{- /* Its own name: the Service's selector (name + instance) must never pick this pod. */}}
    app.kubernetes.io/name: {{ include "platform-lib.name" . }}-test
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/component: test
    app.kubernetes.io/part-of: platform
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  securityContext:
    {{- include "platform-lib.podSecurityContext" . | nindent 4 }}
  containers:
    - name: readiness
      {{- /* The service's own image has Node, and so fetch: no second image to pull or trust. */}}
      image: {{ include "platform-lib.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - node
        - --input-type=module
        - -e
        - |
          const url = process.env.TARGET_URL;
          const response = await fetch(url, { signal: AbortSignal.timeout(10000) });
          console.log(`${url} answered ${response.status}: ${await response.text()}`);
          process.exit(response.ok ? 0 : 1);
      env:
        - name: TARGET_URL
          value: {{ printf "http://%s.%s.svc:%v/readyz" (include "platform-lib.fullname" .) .Release.Namespace .Values.service.port | quote }}
      resources:
        requests:
          cpu: 10m
          memory: 32Mi
        limits:
          memory: 64Mi
      securityContext:
        {{- include "platform-lib.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 16Mi
{{- end }}
