import { useState } from 'react';
import { Alert, Button, FileButton, Group, List, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../../api/schema';
import { ApiError, api, call } from '../../platform/api';
import { ErrorMessage } from '../../platform/components';

export type PostListQuery = NonNullable<paths['/social/api/posts/export.csv']['get']['parameters']['query']>;

interface CsvProblem {
  row: number;
  column: string;
  message: string;
}

/** The rows and columns a refused import names (422 CSV_INVALID: details.errors). */
function csvProblems(error: unknown): CsvProblem[] {
  if (!(error instanceof ApiError) || error.code !== 'CSV_INVALID') return [];
  return ((error.details as unknown as { errors?: CsvProblem[] } | undefined)?.errors ?? []).slice(0, 20);
}

/**
 * The posts list as a CSV file (the filters shown apply), and drafts imported from one:
 * columns title, text, scheduled_at, timezone, campaign. A file with any bad row imports
 * nothing, and the page lists each problem by row and column.
 */
export function PostsCsv({ query, canWrite }: { query: PostListQuery; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const [imported, setImported] = useState<string | null>(null);
  const exportCsv = useMutation({
    mutationFn: async () => {
      const blob = await call<Blob>(api.GET('/social/api/posts/export.csv', { params: { query }, parseAs: 'blob' }));
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'posts.csv';
      link.click();
      URL.revokeObjectURL(link.href);
    },
  });
  const importCsv = useMutation({
    mutationFn: async (file: File) => call(api.POST('/social/api/posts/import', { body: { csv: await file.text() } as never })),
    onMutate: () => setImported(null),
    onSuccess: async (result) => {
      setImported(result.message ?? `${result.data.imported} post(s) imported as drafts`);
      await queryClient.invalidateQueries({ queryKey: ['social', 'posts'] });
    },
  });
  const problems = csvProblems(importCsv.error);
  return (
    <>
      <Group gap="xs">
        <Button variant="default" onClick={() => exportCsv.mutate()} loading={exportCsv.isPending}>Export CSV</Button>
        {canWrite && (
          <FileButton onChange={(file) => file && importCsv.mutate(file)} accept="text/csv,.csv">
            {(props) => <Button variant="default" loading={importCsv.isPending} {...props}>Import CSV</Button>}
          </FileButton>
        )}
      </Group>
      {imported && <Alert color="teal" title="Imported" role="status" withCloseButton closeButtonLabel="Dismiss" onClose={() => setImported(null)}>{imported}</Alert>}
      <ErrorMessage error={exportCsv.error ?? importCsv.error} />
      {problems.length > 0 && (
        <Alert color="red" title="Rows to fix" role="alert">
          <Text size="sm">Nothing was imported. Fix these cells and choose the file again:</Text>
          <List size="sm">
            {problems.map((p) => <List.Item key={`${p.row}-${p.column}-${p.message}`}>Row {p.row}, {p.column}: {p.message}</List.Item>)}
          </List>
        </Alert>
      )}
    </>
  );
}
