# syntax=docker/dockerfile:1
# One image per deployable, one target each:
#
#   docker build --target directory -t smartnumbers/directory:0.1.0 .
#   (targets: directory, presence, routing, mailbox, notify, gateway, web, asterisk)
#
# Each final stage holds a virtualenv with only that deployable and the two packages
# every deployable needs (contracts, kit), installed from their own pyproject.toml; no
# compiler, no pip cache, no test tools. It runs one process (uvicorn) as UID 10001 and
# writes nowhere but /tmp and its data volume, so the root filesystem can be read-only
# (deploy/k8s sets readOnlyRootFilesystem).
#
# The Asterisk image that runs beside the gateway (target asterisk) is not compiled here:
# it starts from a published Asterisk image pinned by tag and adds the shipped
# configuration, the core sounds and the generated prompts (deploy/asterisk/README.md
# says where its Asterisk comes from).

ARG PYTHON_IMAGE=docker.io/library/python:3.11.11-slim-bookworm
ARG ASTERISK_IMAGE=docker.io/andrius/asterisk:22.10.1_debian-trixie

# ---- build: a virtualenv per deployable --------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY contracts/ contracts/
COPY kit/ kit/
COPY services/ services/
COPY gateway/ gateway/
COPY web/ web/
# ./contracts and ./kit first so the deployable's own dependency on them resolves locally.
RUN for d in directory presence routing mailbox; do \
        python -m venv "/opt/$d" \
        && "/opt/$d/bin/pip" install ./contracts ./kit "./services/$d" ; \
    done \
    && python -m venv /opt/notify \
    && /opt/notify/bin/pip install ./contracts ./kit ./services/notify \
    && python -m venv /opt/web \
    && /opt/web/bin/pip install ./contracts ./kit ./web \
    && python -m venv /opt/gateway \
    && /opt/gateway/bin/pip install ./contracts ./kit ./gateway

# ---- runtime: what every final stage shares ---------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TMPDIR=/tmp HOST=0.0.0.0 VAR_DIR=/var/lib/smartnumbers
RUN groupadd --system --gid 10001 smartnumbers \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home smartnumbers \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/smartnumbers
WORKDIR /tmp
USER 10001:10001

FROM runtime AS directory
COPY --from=build /opt/directory /opt/directory
ENV PATH=/opt/directory/bin:$PATH
EXPOSE 8104
CMD ["uvicorn", "smartnumbers_directory.main:create", "--factory", "--host", "0.0.0.0", "--port", "8104", "--timeout-graceful-shutdown", "20"]

FROM runtime AS presence
COPY --from=build /opt/presence /opt/presence
ENV PATH=/opt/presence/bin:$PATH
EXPOSE 8101
CMD ["uvicorn", "smartnumbers_presence.main:create", "--factory", "--host", "0.0.0.0", "--port", "8101", "--timeout-graceful-shutdown", "20"]

FROM runtime AS routing
COPY --from=build /opt/routing /opt/routing
ENV PATH=/opt/routing/bin:$PATH
EXPOSE 8102
CMD ["uvicorn", "smartnumbers_routing.main:create", "--factory", "--host", "0.0.0.0", "--port", "8102", "--timeout-graceful-shutdown", "20"]

FROM runtime AS mailbox
COPY --from=build /opt/mailbox /opt/mailbox
ENV PATH=/opt/mailbox/bin:$PATH
EXPOSE 8103
CMD ["uvicorn", "smartnumbers_mailbox.main:create", "--factory", "--host", "0.0.0.0", "--port", "8103", "--timeout-graceful-shutdown", "20"]

FROM runtime AS notify
COPY --from=build /opt/notify /opt/notify
ENV PATH=/opt/notify/bin:$PATH
EXPOSE 8105
CMD ["uvicorn", "smartnumbers_notify.main:create", "--factory", "--host", "0.0.0.0", "--port", "8105", "--timeout-graceful-shutdown", "20"]

FROM runtime AS web
COPY --from=build /opt/web /opt/web
ENV PATH=/opt/web/bin:$PATH
EXPOSE 8080
CMD ["uvicorn", "smartnumbers_web.main:create", "--factory", "--host", "0.0.0.0", "--port", "8080", "--timeout-graceful-shutdown", "20"]

# The gateway speaks introductions at run time: espeak-ng and sox from Debian.
FROM runtime AS gateway
USER 0:0
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng=1.51+dfsg-10+deb12u2 sox=14.4.2+git20190427-3.5 \
    && rm -rf /var/lib/apt/lists/*
USER 10001:10001
COPY --from=build /opt/gateway /opt/gateway
ENV PATH=/opt/gateway/bin:$PATH
EXPOSE 8100 4573
CMD ["uvicorn", "smartnumbers_gateway.main:create", "--factory", "--host", "0.0.0.0", "--port", "8100", "--timeout-graceful-shutdown", "20"]

# ---- the Asterisk beside the gateway ------------------------------------------------
# Prompts spoken with espeak-ng and converted with sox, and Asterisk's core English sounds
# (beep, digits, goodbye), all from Debian packages; only the sound files go on.
FROM ${PYTHON_IMAGE} AS prompts
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng=1.51+dfsg-10+deb12u2 sox=14.4.2+git20190427-3.5 \
        asterisk-core-sounds-en-wav=1.6.1-1 \
    && rm -rf /var/lib/apt/lists/*
COPY deploy/asterisk/prompts.txt deploy/asterisk/build-prompts.sh /src/
RUN /src/build-prompts.sh /sounds/en/sn \
    && cp -R /usr/share/asterisk/sounds/en_US_f_Allison/. /sounds/en/

FROM ${ASTERISK_IMAGE} AS asterisk
COPY --chown=asterisk:asterisk deploy/asterisk/*.conf /etc/asterisk/
COPY --from=prompts --chown=asterisk:asterisk /sounds/en/ /var/lib/asterisk/sounds/en/
COPY deploy/asterisk/entrypoint.sh /usr/local/bin/smartnumbers-asterisk
# The image's asterisk user (uid 1000): never root, and no privilege needed.
USER 1000
EXPOSE 5060/udp
ENTRYPOINT ["/usr/local/bin/smartnumbers-asterisk"]
CMD []
