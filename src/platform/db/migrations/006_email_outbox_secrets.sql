-- Delivered messages no longer keep their one-time links (src/platform/email/mask-secrets.ts):
-- hide the tokens in the copies already delivered before this change.
update email_outbox
set text_body = regexp_replace(text_body, '\m([a-z]{2,8}_)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])', '\1[hidden]', 'g'),
    html_body = regexp_replace(html_body, '\m([a-z]{2,8}_)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])', '\1[hidden]', 'g')
where status = 'sent';
