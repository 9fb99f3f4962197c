import { MantineThemeProvider, Modal, createTheme } from '@mantine/core';
import { Outlet } from 'react-router';
import './brandkit.css';

/** Brandkit's look over the app's theme: the same components, a deep teal primary colour and brandkit.css's studio canvas. */
const brandkitTheme = createTheme({
  primaryColor: 'teal',
  primaryShade: 8,
  defaultRadius: 'md',
  headings: { fontWeight: '650' },
  components: {
    // Dialogs render outside the .brandkit wrapper: this class gives them its colours.
    Modal: Modal.extend({ defaultProps: { className: 'brandkit-dialog', closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

export function BrandkitLayout() {
  return (
    <MantineThemeProvider theme={brandkitTheme}>
      <div className="brandkit">
        <Outlet />
      </div>
    </MantineThemeProvider>
  );
}
