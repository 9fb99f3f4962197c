import { useMemo, useState } from 'react';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { ErrorMessage } from '../../platform/components';

export function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(current) ? all : [current, ...all];
}

/**
 * A slot as people think of it: a wall-clock time and the zone it is in (the API turns the
 * pair into an instant, daylight saving included). The browser's own zone is never assumed.
 */
export function ScheduleFields({ at, zone, onAt, onZone, error }: { at: string; zone: string; onAt: (v: string) => void; onZone: (v: string) => void; error?: string }) {
  const zones = useMemo(() => timeZones(zone), [zone]);
  return (
    <Group align="flex-start" grow wrap="wrap">
      <TextInput type="datetime-local" label="Publish at" value={at} onChange={(e) => onAt(e.currentTarget.value)} error={error} miw={200} />
      <Select label="Time zone" data={zones} value={zone} onChange={(v) => v && onZone(v)} searchable allowDeselect={false} miw={200} />
    </Group>
  );
}

/** The reschedule (or schedule) dialog used by the post page and the calendar. */
export function ScheduleDialog({
  opened,
  onClose,
  initialAt,
  initialZone,
  title,
  onSchedule,
}: {
  opened: boolean;
  onClose: () => void;
  initialAt: string;
  initialZone: string;
  title: string;
  onSchedule: (at: string, zone: string) => Promise<unknown>;
}) {
  const [at, setAt] = useState(initialAt);
  const [zone, setZone] = useState(initialZone);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [fieldError, setFieldError] = useState<string>();
  const submit = async () => {
    if (!at) return setFieldError('Choose a day and time');
    setFieldError(undefined);
    setPending(true);
    setError(null);
    try {
      await onSchedule(at, zone);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack>
        <Text size="sm">Each connected account gets the post at this time, in the zone you choose.</Text>
        <ScheduleFields at={at} zone={zone} onAt={setAt} onZone={setZone} error={fieldError} />
        <ErrorMessage error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button onClick={() => void submit()} loading={pending}>Schedule</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
