-- A capture posted without its image (the client said it would attach it with
-- POST /v1/captures/{id}/image) waits as 'awaiting_image' instead of looking 'pending' forever.
alter table visant_captures drop constraint visant_captures_evaluation_status_check;
alter table visant_captures add constraint visant_captures_evaluation_status_check
  check (evaluation_status in ('awaiting_image', 'pending', 'processing', 'completed', 'failed'));
update visant_captures set evaluation_status = 'awaiting_image' where not image_stored and evaluation_status = 'pending';
