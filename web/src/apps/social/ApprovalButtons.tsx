import { useState } from 'react';
import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { ErrorMessage } from '../../platform/components';

/** An admin's decision on a submitted post: approve (a comment is optional) or reject (it must say why). */
export function ApprovalButtons({ postId, label }: { postId: string; label: string }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'approve' | 'reject' | null>(null);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const decide = useMutation({
    mutationFn: async () => {
      const path = { params: { path: { id: postId } } };
      if (mode === 'approve') return call(api.POST('/social/api/posts/{id}/approve', { ...path, body: comment.trim() ? { comment: comment.trim() } : {} }));
      return call(api.POST('/social/api/posts/{id}/reject', { ...path, body: { comment: comment.trim() } }));
    },
    onSuccess: () => {
      setMode(null);
      setComment('');
      void queryClient.invalidateQueries({ queryKey: ['social'] });
    },
  });
  const confirm = () => {
    if (mode === 'reject' && !comment.trim()) return setMissing(true);
    setMissing(false);
    decide.mutate();
  };
  return (
    <>
      <Group gap="xs">
        <Button size="xs" color="teal.9" onClick={() => setMode('approve')} aria-label={`Approve ${label}`}>Approve</Button>
        <Button size="xs" color="red" variant="light" onClick={() => setMode('reject')} aria-label={`Reject ${label}`}>Reject</Button>
      </Group>
      <Modal opened={mode !== null} onClose={() => setMode(null)} title={mode === 'approve' ? `Approve ${label}?` : `Reject ${label}?`}>
        <Stack>
          <Textarea
            label={mode === 'approve' ? 'Comment (optional)' : 'Why (the author reads this)'}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            error={missing ? 'Say what to change: a rejection needs a comment' : undefined}
            autosize
            minRows={2}
            data-autofocus
          />
          <ErrorMessage error={decide.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setMode(null)}>Cancel</Button>
            <Button color={mode === 'approve' ? 'teal.9' : 'red'} loading={decide.isPending} onClick={confirm}>
              {mode === 'approve' ? 'Approve' : 'Reject'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
